#!/usr/bin/env bash
# Turns the dr-operation workflow's inputs into what its jobs need, and
# refuses a dispatch that cannot run before anyone is asked to approve it.
#
#   OPERATION=failover STACK=pg-primary REGION= PROJECT= PRIMARY_UNREACHABLE=false \
#   STATE_ONLY=false ACCEPT_DATA_LOSS=false DRY_RUN=true RUN_ID=42-1 lib/ci/dispatch-plan.sh
#
# Writes to $GITHUB_OUTPUT:
#   job          "operation" (failover, revert, switchover, switchback, status)
#                or "drill"
#   args         the command's arguments; the names in them are checked, so
#                the workflow may split them on spaces
#   environment  production-dr for a run that may change something (its
#                required reviewers approve it); production-dr-read-only for
#                a dry run or status (no approval); none for the drill
#   lock         the concurrency group: crdr-dr-stack-<stack>,
#                crdr-dr-region-<region> or (with a project)
#                crdr-dr-region-<region>-project-<project> for a run that may
#                change something, so one region's projects run side by side;
#                a dry run or status gets one of its own, so it never waits
#                behind an operation nor takes a waiting operation's place
#   target       "stack pg-primary", "region google-europe-west1",
#                "region google-europe-west1, project proj-a", "every pair"
#   branch       the phase-file pull request's branch
#
# Exits 2 with one ::error:: line for a dispatch that cannot run.
set -euo pipefail

operation=${OPERATION:-}
stack=${STACK:-}
region=${REGION:-}
project=${PROJECT:-}
dry_run=${DRY_RUN:-true}
run_id=${RUN_ID:?RUN_ID is the workflow run, for example 42-1}

refuse() {
  echo "::error::$1"
  exit 2
}
flag_on() { [ "$1" = "true" ]; }

# Names end up in file paths, branch names and the concurrency group.
name_pattern='^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$'
if [ -n "$stack" ] && ! [[ $stack =~ $name_pattern ]]; then
  refuse "stack \"$stack\" is not a stack name (letters, digits, - and _); use the name of a folder under cdktf.out/stacks."
fi
if [ -n "$region" ] && ! [[ $region =~ $name_pattern ]]; then
  refuse "region \"$region\" is not a cloud region name; use one such as google-europe-west1."
fi
if [ -n "$project" ] && ! [[ $project =~ $name_pattern ]]; then
  refuse "project \"$project\" is not an Aiven project name (letters, digits, - and _); use the project as main.ts declares it."
fi
if [ -n "$project" ] && [ -z "$region" ]; then
  refuse "project narrows a region run to one Aiven project; give a region too (a stack names its pair already)."
fi
if [ -n "$stack" ] && [ -n "$region" ]; then
  refuse "Give a stack or a region, not both: a stack runs one pair, a region every pair whose primary is there."
fi

args=()
case "$operation" in
  failover | revert | switchover | switchback)
    job=operation
    if [ -z "$stack" ] && [ -z "$region" ]; then
      refuse "$operation needs a stack (one pair) or a region (every pair whose primary is there)."
    fi
    ;;
  status)
    job=operation
    if [ -n "$project" ]; then refuse "status reads a region's pairs in every project; leave project empty."; fi
    ;;
  drill)
    job=drill
    if [ -n "$region" ]; then refuse "The drill takes a stack or nothing (every pair), not a region."; fi
    ;;
  *)
    refuse "operation \"$operation\" is not one of failover, revert, switchover, switchback, status, drill."
    ;;
esac

for flag in PRIMARY_UNREACHABLE STATE_ONLY ACCEPT_DATA_LOSS; do
  if flag_on "${!flag:-false}" && [ "$operation" != failover ]; then
    input=$(echo "$flag" | tr '[:upper:]_' '[:lower:]-')
    refuse "$input applies to failover only; turn it off for $operation."
  fi
done

if [ -n "$stack" ]; then
  args+=(--stack "$stack")
  target="stack $stack"
elif [ -n "$region" ]; then
  args+=(--region "$region")
  target="region $region"
  if [ -n "$project" ]; then
    args+=(--project "$project")
    target="$target, project $project"
  fi
else
  [ "$operation" = status ] && args+=(--all)
  target="every pair"
fi

read_only=false
case "$operation" in
  status) read_only=true ;;
  drill) ;;
  *)
    if flag_on "${PRIMARY_UNREACHABLE:-false}"; then args+=(--primary-unreachable); fi
    if flag_on "${STATE_ONLY:-false}"; then args+=(--state-only); fi
    if flag_on "${ACCEPT_DATA_LOSS:-false}"; then args+=(--accept-data-loss); fi
    if flag_on "$dry_run"; then
      args+=(--dry-run)
      read_only=true
    fi
    # GitHub-hosted jobs stop after 6 hours. A revert waits twice (the
    # rebuild, then the takeover), so each wait gets less than half of that;
    # a wait that runs out exits 3 and the next dispatch resumes it.
    if [ "$operation" = revert ]; then args+=(--timeout 150m); fi
    ;;
esac

if [ "$operation" = drill ]; then
  environment=""
  lock="crdr-dr-drill"
elif [ "$read_only" = true ]; then
  environment="production-dr-read-only"
  lock="crdr-dr-read-only-$run_id${project:+-$project}"
else
  environment="production-dr"
  if [ -n "$stack" ]; then
    lock="crdr-dr-stack-$stack"
  else
    lock="crdr-dr-region-$region${project:+-project-$project}"
  fi
fi

{
  echo "job=$job"
  echo "args=${args[*]}"
  echo "environment=$environment"
  echo "lock=$lock"
  echo "target=$target"
  echo "branch=crdr/$operation-${stack:-${region:-all}}${project:+-$project}-$run_id"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is where the outputs go}"
echo "$operation of $target: ${args[*]:-(no arguments)}; environment ${environment:-none}; lock $lock"
