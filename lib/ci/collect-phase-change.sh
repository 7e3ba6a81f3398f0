#!/usr/bin/env bash
# Decides whether a dr-operation run changed the phase file and, if it did,
# puts a copy of it into the report folder for the pull-request job.
#
#   lib/ci/collect-phase-change.sh REPORT_DIR
#
# The report (scripts/dr-report) names the phase file in REPORT_DIR/phase-file.txt
# for runs that may change it; none is named for a dry run, status or a run
# that never got that far. Writes phase-changed=true|false to $GITHUB_OUTPUT.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 REPORT_DIR" >&2
  exit 2
fi
report_dir=$1
out=${GITHUB_OUTPUT:?GITHUB_OUTPUT is where phase-changed goes}

if [ ! -s "$report_dir/phase-file.txt" ]; then
  echo "phase-changed=false" >> "$out"
  echo "This run records no phase (a dry run, status, or a run that stopped before its report)."
  exit 0
fi
phase_file=$(head -n 1 "$report_dir/phase-file.txt")

if [ -z "$(git status --porcelain -- "$phase_file")" ]; then
  echo "phase-changed=false" >> "$out"
  echo "$phase_file is unchanged: no pull request."
  exit 0
fi
cp "$phase_file" "$report_dir/phase-file.json"
echo "phase-changed=true" >> "$out"
echo "$phase_file changed:"
git --no-pager diff --no-color -- "$phase_file" || true
