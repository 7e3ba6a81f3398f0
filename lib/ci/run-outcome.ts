import { EXIT } from "../exit-codes";
import { describeInputs, Dispatch, WORKFLOW_NAME } from "./dispatch";

/** How a dispatched DR operation ended, from its exit code. */
export type RunOutcome =
  "done" | "dry-run" | "refused" | "timed-out" | "unfinished" | "interrupted" | "bug" | "not-run";

interface OutcomeWording {
  readonly icon: string;
  /** Follows "failover of stack `pg-primary`: ". */
  readonly headline: string;
  /** What the engineer does next, in CI. */
  readonly nextStep: (dispatch: Dispatch) => string;
}

const again = (dispatch: Dispatch) =>
  `dispatch the ${WORKFLOW_NAME} workflow again with the same inputs (${describeInputs(dispatch, false)})`;

/** The wording of each outcome; a new outcome fails to compile until it has one. */
export const OUTCOME_WORDING: Record<RunOutcome, OutcomeWording> = {
  done: { icon: "✅", headline: "done", nextStep: () => "" },
  "dry-run": {
    icon: "🧪",
    headline: "dry run, nothing was changed",
    nextStep: (d) =>
      `To run it, dispatch **${WORKFLOW_NAME}** with ${describeInputs(d, false)}; a required reviewer of the production environment approves it before it starts.`,
  },
  refused: {
    icon: "🛑",
    headline: "refused (exit 2), nothing was changed",
    nextStep: () => `Nothing was sent to Aiven. Fix what the message above says, then dispatch again.`,
  },
  "timed-out": {
    icon: "⏱️",
    headline: "timed out (exit 3)",
    nextStep: (d) =>
      `**To resume:** ${again(d)}. The rerun reads Aiven first, waits for the change already under way, and finishes the rest; it never sends a role change twice.`,
  },
  unfinished: {
    icon: "⚠️",
    headline: "unfinished (exit 6): Aiven changed, a later step failed",
    nextStep: (d) =>
      `Aiven's roles have changed. **To finish:** fix the cause named above, then ${again(d)}; it finishes Terraform state, the phase file and synth without sending the role change again.`,
  },
  interrupted: {
    icon: "⏹️",
    headline: "interrupted",
    nextStep: (d) => `**To resume:** ${again(d)}. It reads Aiven first and never sends a role change twice.`,
  },
  bug: {
    icon: "💥",
    headline: "failed with a bug (exit 1)",
    nextStep: (d) =>
      `The error output below has the stack trace. Before running it again, check the pair (dispatch **${WORKFLOW_NAME}** with operation \`status\`${d.stack ? `, stack \`${d.stack}\`` : ""}); the journal artifact records every role change that was sent. Then ${again(d)}.`,
  },
  "not-run": {
    icon: "⛔",
    headline: "did not run",
    nextStep: () => "A step before the operation failed (see the run's log); nothing was sent to Aiven.",
  },
};

/** The outcome of a run that exited with `exitCode` (undefined: it never ran). */
export function outcomeOf(exitCode: number | undefined, dryRun: boolean): RunOutcome {
  switch (exitCode) {
    case undefined:
      return "not-run";
    case EXIT.ok:
      return dryRun ? "dry-run" : "done";
    case EXIT.refused:
      return "refused";
    case EXIT.timedOut:
      return "timed-out";
    case EXIT.unfinished:
      return "unfinished";
    case EXIT.interrupted:
      return "interrupted";
    default:
      return "bug";
  }
}
