#!/usr/bin/env bash
# Plans every synthesized stack for the pull-request review, failing closed.
#
#   lib/plan-review/plan-all-stacks.sh STACKS_DIR OUT_DIR
#
# For each stack directory under STACKS_DIR (cdktf.out/stacks) it runs
# terraform init, plan -out and show -json, and leaves in OUT_DIR either
# STACK.json (the plan) or STACK.failed.log (which command failed, then the
# tail of its output, without terminal codes). Without AIVEN_TOKEN nothing can
# be planned (pull requests from forks get no secrets): it leaves
# not-planned.txt instead. `npm run plan:review -- --plans-dir OUT_DIR` turns
# these into the review; the names are PLAN_RECORDS in
# review-plan-directory.ts.
#
# Exits 0 when every stack has a plan, 1 otherwise.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 STACKS_DIR OUT_DIR" >&2
  exit 2
fi
stacks_dir=$1
out_dir=$2
terraform=${TERRAFORM_BINARY_NAME:-terraform}
tail_lines=60

mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
rm -f "$out_dir"/*.json "$out_dir"/*.failed.log "$out_dir/not-planned.txt"

# Credentials the workflow maps but the repository does not set arrive empty;
# an empty variable can shadow a backend's other ways of finding credentials.
for name in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN GOOGLE_CREDENTIALS ARM_CLIENT_SECRET TF_TOKEN_app_terraform_io; do
  if [ -z "${!name-}" ]; then unset "$name"; fi
done

if [ -z "${AIVEN_TOKEN-}" ]; then
  {
    echo "no credentials: AIVEN_TOKEN is empty, so no stack could be planned."
    echo "Pull requests from forks get no secrets; a maintainer can push the branch to this repository to have it reviewed."
  } > "$out_dir/not-planned.txt"
  echo "::error::No AIVEN_TOKEN: nothing was planned, so nothing is reviewed."
  exit 1
fi

shopt -s nullglob
stack_dirs=("$stacks_dir"/*/)
if [ ${#stack_dirs[@]} -eq 0 ]; then
  echo "::error::No synthesized stacks under $stacks_dir; run npm run synth first."
  exit 1
fi

esc=$(printf '\033')
without_terminal_codes() {
  sed -e "s/${esc}\[[0-9;?]*[ -\/]*[@-~]//g" -e "s/${esc}[@-_]//g" -e 's/\r$//'
}

# Runs one terraform step for the current stack: its output goes to the job's
# log and to $log; on failure $failure says which step, with its exit code.
run_step() {
  local label=$1 stdout=$2
  shift 2
  "$terraform" -chdir="$dir" "$@" > "$stdout" 2> "$log.stderr"
  local code=$?
  if [ "$stdout" = "$log" ]; then cat "$log.stderr" >> "$log"; else cat "$log.stderr" > "$log"; fi
  without_terminal_codes < "$log"
  if [ $code -ne 0 ]; then
    failure="$label exited $code"
    return 1
  fi
}

failed=0
for dir in "${stack_dirs[@]}"; do
  dir=${dir%/}
  stack=$(basename "$dir")
  log=$(mktemp)
  failure=""
  echo "::group::plan $stack"
  # A plan file left from an earlier run must never stand in for this one.
  rm -f "$dir/tfplan"
  run_step "terraform init" "$log" init -input=false -no-color &&
    run_step "terraform plan" "$log" plan -input=false -no-color -lock=false -out=tfplan &&
    run_step "terraform show -json" "$out_dir/$stack.json.partial" show -json tfplan
  echo "::endgroup::"
  if [ -n "$failure" ]; then
    failed=1
    rm -f "$out_dir/$stack.json.partial"
    {
      echo "$failure"
      tail -n "$tail_lines" "$log" | without_terminal_codes
    } > "$out_dir/$stack.failed.log"
    echo "::error::The plan of stack $stack failed ($failure); the review reports it as a danger."
  else
    mv "$out_dir/$stack.json.partial" "$out_dir/$stack.json"
  fi
  rm -f "$log" "$log.stderr"
done
exit "$failed"
