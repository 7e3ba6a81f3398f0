#!/usr/bin/env bash
# Brings back the run journals of earlier dr-operation runs, so a run on a
# fresh CI machine knows what earlier runs did, as a rerun on the same laptop
# would: an open role-change intent is settled by reading Aiven, never by
# sending, and status flags a run that changed roles but did not finish.
#
#   lib/ci/restore-journals.sh JOURNAL_DIR WORKFLOW_FILE [ARTIFACT]
#
# Each run uploads its whole journal (what it restored, plus its own events)
# as the ARTIFACT artifact (default crdr-journal; the drill's is
# crdr-drill-journal), so the newest run that has a pair's journal
# has all of it. This takes, for each pair, the journal of the newest earlier
# run that has one (at most $CRDR_JOURNAL_RUNS runs back, default 30).
# Needs `gh` with GH_TOKEN (actions: read), GITHUB_REPOSITORY and RUN_ID (this
# run, skipped). Nothing here fails the job: a journal that cannot be
# restored is a warning, and the operation still reads Aiven before it acts.
set -uo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 JOURNAL_DIR WORKFLOW_FILE [ARTIFACT]" >&2
  exit 2
fi
journal_dir=$1
workflow=$2
artifact=${3:-crdr-journal}
mkdir -p "$journal_dir"

warn() { echo "::warning::$1"; }

if ! runs=$(gh run list --repo "${GITHUB_REPOSITORY:?}" --workflow "$workflow" --status completed --limit "${CRDR_JOURNAL_RUNS:-30}" --json databaseId --jq '.[].databaseId' 2>&1); then
  warn "Could not list earlier runs to restore their journals ($runs); this run starts without them."
  exit 0
fi

restored=()
for run in $runs; do
  [ "$run" = "${RUN_ID:-}" ] && continue
  download=$(mktemp -d)
  if gh run download "$run" --repo "$GITHUB_REPOSITORY" --name "$artifact" --dir "$download" > /dev/null 2>&1; then
    for journal in "$download"/*.jsonl; do
      [ -e "$journal" ] || continue
      name=$(basename "$journal")
      if [ ! -e "$journal_dir/$name" ]; then
        cp "$journal" "$journal_dir/$name"
        chmod 600 "$journal_dir/$name"
        restored+=("$name from run $run")
      fi
    done
  fi
  rm -rf "$download"
done

if [ ${#restored[@]} -eq 0 ]; then
  echo "No earlier journals to restore."
else
  printf 'Restored %s\n' "${restored[@]}"
fi
