#!/usr/bin/env bash
# Decides whether a dr-operation run changed a phase file and, if it did,
# puts a copy of each changed one into the report folder for the
# pull-request job.
#
#   lib/ci/collect-phase-change.sh REPORT_DIR
#
# The report (scripts/dr-report) names where the run may record phases in
# REPORT_DIR/phase-paths.txt, one path a line: the pair's own file
# (crdr-phases/<stack>.json; the phase folder for a region run) and the old
# single file (crdr-phases.json) of a project not migrated yet. None is named
# for a dry run, status or a run that never got that far. Copies each changed
# file to REPORT_DIR/phase-change/<path>, lists them in
# REPORT_DIR/phase-changes.txt, and writes phase-changed=true|false to
# $GITHUB_OUTPUT.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 REPORT_DIR" >&2
  exit 2
fi
report_dir=$1
out=${GITHUB_OUTPUT:?GITHUB_OUTPUT is where phase-changed goes}

if [ ! -s "$report_dir/phase-paths.txt" ]; then
  echo "phase-changed=false" >> "$out"
  echo "This run records no phase (a dry run, status, or a run that stopped before its report)."
  exit 0
fi
mapfile -t paths < "$report_dir/phase-paths.txt"

# Each new or changed phase file on its own line (a new pair's file is
# untracked); anything else in the folder, such as the temporary file of a
# write cut short, is not a phase.
changed=$(git status --porcelain --untracked-files=all -- "${paths[@]}" | cut -c4- | grep '\.json$' || true)
if [ -z "$changed" ]; then
  echo "phase-changed=false" >> "$out"
  echo "No phase file changed ($(echo "${paths[*]}")): no pull request."
  exit 0
fi

rm -rf "$report_dir/phase-change" "$report_dir/phase-changes.txt"
while IFS= read -r file; do
  if [ ! -f "$file" ]; then
    echo "::error::$file was removed by this run, which no operation does; nothing is collected."
    exit 1
  fi
  mkdir -p "$report_dir/phase-change/$(dirname "$file")"
  cp "$file" "$report_dir/phase-change/$file"
  echo "$file" >> "$report_dir/phase-changes.txt"
done <<< "$changed"
echo "phase-changed=true" >> "$out"
echo "Changed: $(paste -sd ' ' "$report_dir/phase-changes.txt")"
git --no-pager diff --no-color -- "${paths[@]}" || true
