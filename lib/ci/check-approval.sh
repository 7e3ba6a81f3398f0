#!/usr/bin/env bash
# Refuses a real DR operation that nobody would have to approve. GitHub
# creates an environment that does not exist on its first use, with no
# protection, and private repositories on most plans cannot have required
# reviewers at all: then a dispatch of the dr-operation workflow would run at
# once. This reads the environment's protection rules before the operation
# job asks for them.
#
#   ENVIRONMENT=production-dr ALLOW_UNAPPROVED=false GITHUB_REPOSITORY=acme/crdr \
#   GH_TOKEN=... lib/ci/check-approval.sh
#
# ENVIRONMENT is the one the prepare job chose: only production-dr (a run
# that may change something) needs a reviewer. ALLOW_UNAPPROVED=true (the
# dispatch input allow-unapproved) lets a team that accepts unapproved runs
# go on, with a warning. Needs `gh` (actions: read) and jq. Exits 2 with one
# ::error:: line when it refuses.
set -uo pipefail

environment=${ENVIRONMENT:-}
repository=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is owner/name}
if [ "$environment" != production-dr ]; then
  echo "No approval needed: ${environment:-no environment} (a dry run, status or the drill changes nothing)."
  exit 0
fi

how="Add one under Settings → Environments → $environment → Required reviewers (in a private repository that needs GitHub Enterprise), or dispatch again with allow-unapproved if your team accepts DR operations nobody approves."
refuse() {
  if [ "${ALLOW_UNAPPROVED:-false}" = true ]; then
    echo "::warning::$1; going on unapproved, as the dispatch allows (allow-unapproved)."
    exit 0
  fi
  echo "::error::$1, so this operation would run without anyone approving it. $how"
  exit 2
}

if ! answer=$(gh api "repos/$repository/environments/$environment" 2>&1); then
  case "$answer" in
    *"HTTP 404"*) refuse "The $environment environment does not exist (GitHub would create it on first use, unprotected)" ;;
    *) refuse "The protection rules of the $environment environment could not be read ($(echo "$answer" | head -n 1))" ;;
  esac
fi
if ! reviewers=$(echo "$answer" | jq '[.protection_rules[]? | select(.type == "required_reviewers") | (.reviewers // []) | length] | add // 0' 2>/dev/null); then
  refuse "The protection rules of the $environment environment could not be read (the answer is not JSON)"
fi
if [ "$reviewers" -eq 0 ]; then
  refuse "The $environment environment has no required reviewer"
fi
echo "The $environment environment requires a reviewer's approval ($reviewers reviewer(s) may give it)."
