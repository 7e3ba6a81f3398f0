/**
 * Exit codes of every command, in one place; docs/failover.md, docs/recovery-cycle.md and docs/plan-review.md list them.
 *
 * 0 and 1 are the usual success and bug (with a stack trace). The DR
 * operations add 2, 3 and 6; `status` adds 4 and 5; plan review uses 3 for
 * "something at or above --fail-on".
 */
export const EXIT = {
  ok: 0,
  /** A bug: the message comes with a stack trace. */
  bug: 1,
  /** Refused or bad input: one sentence, and nothing was changed. */
  refused: 2,
  /** Timed out waiting for Aiven, an answer whose outcome is still unknown, or requests Aiven never showed (a further send needs --resend); a rerun resumes and never sends a role change twice. */
  timedOut: 3,
  /** plan review: a finding at or above --fail-on; drill: a step failed its checks. */
  checkFailed: 3,
  /** status: a peer is not RUNNING or unreadable, a link inactive, or a run unfinished. */
  degraded: 4,
  /** status: Aiven contradicts the phase file. */
  drifted: 5,
  /** Aiven's roles changed (in this run or an earlier one it finishes), but a later step failed; a rerun finishes without sending the change again. */
  unfinished: 6,
  /** Interrupted (Ctrl-C); rerun the same command to resume. */
  interrupted: 130,
  /** Stopped by SIGTERM (a CI cancel, say); rerun the same command to resume. */
  terminated: 143,
} as const;
