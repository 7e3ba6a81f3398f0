# Sourced by .ci/run: `bounded SECONDS NAME COMMAND…` runs one CI stage with a
# time bound. A stage that runs past it does not hold the run until the CI
# job's own limit: its process tree is printed (with the test that started
# each process, from the CRDR_TEST_NAME every test child carries), every
# process in it is resumed and killed, and the stage fails with 124.
# Commands may be shell functions: the stage runs in a subshell.

# The processes below $1, parents first, from `ps` (test children run in
# process groups of their own, so the tree is followed by parent pid).
stage_descendants() {
  ps -eo pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2; order[NR] = $1 }
    END {
      inside[root] = 1
      do {
        grew = 0
        for (i = 1; i <= NR; i++) { p = order[i]; if (!(p in inside) && (parent[p] in inside)) { inside[p] = 1; grew = 1; print p } }
      } while (grew)
    }'
}

bounded() {
  local limit=$1 name=$2
  shift 2
  ( "$@" ) &
  local stage=$!
  if timeout "$limit" tail --pid="$stage" -f /dev/null; then
    wait "$stage"
    return
  fi
  local pids
  pids=$(stage_descendants "$stage")
  {
    echo "✖ CI stage \"$name\" ran past its bound of ${limit}s; what held it:"
    # shellcheck disable=SC2086
    ps -o pid,ppid,stat,etime,args -p "$stage${pids:+,$(echo $pids | tr ' ' ',')}" || true
    for pid in $pids; do
      test=$(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^CRDR_TEST_NAME=//p') || true
      [ -z "$test" ] || echo "  pid $pid was started by the test \"$test\""
    done
  } >&2
  # Stopped processes act on SIGKILL only once resumed.
  # shellcheck disable=SC2086
  kill -CONT "$stage" $pids 2>/dev/null || true
  # shellcheck disable=SC2086
  kill -KILL "$stage" $pids 2>/dev/null || true
  wait "$stage" 2>/dev/null || true
  return 124
}
