#!/usr/bin/env bash
# Looks for an open phase-file pull request of the same pair (or region)
# before a dispatch runs. Until it is merged, the pair's phase file on the
# branch still holds the phase from before that operation: status says
# DRIFTED, a revert says it is "not allowed while normal", a second failover
# starts from the wrong phase. A run that may change something is refused; a
# dry run or status only warns.
#
#   STACK=pg-primary REGION= ENVIRONMENT=production-dr PHASE_DIR=crdr-phases \
#   GITHUB_REPOSITORY=acme/crdr GH_TOKEN=... lib/ci/find-open-phase-pull-request.sh
#
# A pair's pull request is one that changes its phase file,
# PHASE_DIR/<stack>.json (PHASE_DIR defaults to crdr-phases), whoever opened
# it; or one on a branch as the prepare job names it (dispatch-plan.sh),
# crdr/<operation>-<stack or region>-<run>-<attempt>, which also finds a
# region run's and one made before the migration to per-pair files. Needs
# `gh` (pull-requests: read) and jq. Exits 2 with one ::error:: line when it
# refuses.
set -uo pipefail

target=${STACK:-${REGION:-}}
# A region's pull requests carry the project when the run had one
# (crdr/<operation>-<region>-<project>-<run>-<attempt>): a run of one project
# waits for its own and for a whole-region one, a whole-region run for any.
suffix=""
if [ -z "${STACK:-}" ] && [ -n "${REGION:-}" ]; then
  if [ -n "${PROJECT:-}" ]; then suffix="(-${PROJECT})?"; else suffix="(-[A-Za-z0-9_-]+)?"; fi
fi
repository=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is owner/name}
if [ -z "$target" ]; then
  echo "No single pair or region: no phase-file pull request to look for."
  exit 0
fi

if ! open=$(gh pr list --repo "$repository" --state open --limit 200 --json number,headRefName,url,files 2>&1); then
  echo "::warning::Could not list the open pull requests ($(echo "$open" | head -n 1)); if a phase-file pull request of $target is open, merge it before this run."
  exit 0
fi
pattern="^crdr/(failover|revert|switchover|switchback)-$target$suffix-[0-9]+-[0-9]+\$"
# The file only for a pair: a region's pairs are known once synthesized, after this check.
file=""
if [ -n "${STACK:-}" ]; then
  file=${PHASE_DIR:-crdr-phases}
  file=${file#./}
  file=${file%/}/$STACK.json
fi
found=$(echo "$open" | jq -r --arg pattern "$pattern" --arg file "$file" '.[] | select((.headRefName | test($pattern)) or ($file != "" and ((.files // []) | any(.path == $file)))) | "#\(.number) (\(.headRefName), \(.url))"' 2>/dev/null)
if [ -z "$found" ]; then
  echo "No open phase-file pull request of $target."
  exit 0
fi
names=$(echo "$found" | paste -sd ' ' - | sed 's/ #/, #/g')
message="The phase-file pull request $names of $target is still open: until it is merged, the phase file this run reads is the one from before that operation"
if [ "${ENVIRONMENT:-}" = production-dr ]; then
  echo "::error::$message. Merge it (or close it if its phase is wrong), then dispatch again."
  exit 2
fi
echo "::warning::$message, so this run's view of the phase is out of date."
