#!/usr/bin/env bash
# Runs one DR operation (or status) for the dr-operation workflow.
#
#   lib/ci/run-dr-operation.sh OPERATION OUTPUT_FILE STDERR_FILE [ARGUMENTS...]
#
# An operation runs with --yes --json: its NDJSON events go to OUTPUT_FILE
# for the summary and, as the text a terminal would show, to the log while
# they arrive. `tee -p` keeps writing the file even if the log's reader
# fails, so the operation's output never stops flowing. Status runs with
# --json, its report going to OUTPUT_FILE and the log. What either prints
# on stderr goes to STDERR_FILE (and the log).
#
# Writes exit-code=<the command's exit code> to $GITHUB_OUTPUT and exits with
# it: 0 done, 2 refused, 3 timed out, 6 unfinished (see docs/failover.md).
set -uo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 OPERATION OUTPUT_FILE STDERR_FILE [ARGUMENTS...]" >&2
  exit 2
fi
operation=$1
output=$2
stderr_file=$3
shift 3

# Credentials the workflow maps but the repository does not set arrive empty;
# an empty variable can shadow a backend's other ways of finding credentials.
for name in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN GOOGLE_CREDENTIALS ARM_CLIENT_SECRET TF_TOKEN_app_terraform_io; do
  if [ -z "${!name-}" ]; then unset "$name"; fi
done

if [ "$operation" = status ]; then
  npm run --silent status -- "$@" --json > "$output" 2> "$stderr_file"
  code=$?
  cat "$output"
else
  npm run --silent "$operation" -- "$@" --yes --json 2> "$stderr_file" |
    tee -p "$output" |
    node tools/run-built.js scripts/dr-event-log
  code=${PIPESTATUS[0]}
fi
cat "$stderr_file" >&2

echo "exit-code=$code" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is where the exit code goes}"
if [ "$code" -ne 0 ]; then
  echo "::error::npm run $operation exited $code; the job summary says what happened and what to do next."
fi
exit "$code"
