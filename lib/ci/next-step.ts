import { OperationName } from "../phase/phase-record";
import { Dispatch, WORKFLOW_NAME } from "./dispatch";

const dispatchOf = (operation: OperationName, dispatch: Dispatch, dryRunFirst = true) =>
  `dispatch **${WORKFLOW_NAME}** with operation \`${operation}\`${dispatch.stack ? `, stack \`${dispatch.stack}\`` : " for each pair"}${dryRunFirst ? " (a dry run first)" : ""}`;

/**
 * What follows a finished operation, in CI: the phase-file pull request, its
 * plan, and the operation that comes next. A new operation fails to compile
 * until it has an entry.
 */
export const NEXT_STEP: Record<OperationName, (dispatch: Dispatch) => string[]> = {
  failover: (d) => [
    "Review and merge the phase-file pull request: its plan review should show no changes, only forgets.",
    "While the old primary region is unreachable, plan with `-refresh=false`: the `removed` blocks still refresh.",
    `Once the region is back, fail back with: ${dispatchOf("revert", d)}.`,
  ],
  revert: (d) => [
    "Review and merge the phase-file pull request: its plan imports what Aiven kept (the primary, the DR link) and adds, changes and destroys nothing.",
    `If it recorded pending imports, ${dispatchOf("revert", d, false)} again after the apply has imported them: that clears them from the phase file.`,
  ],
  switchover: (d) => ["Review and merge the phase-file pull request: its plan should show no changes.", `To switch back: ${dispatchOf("switchback", d)}.`],
  switchback: () => ["Review and merge the phase-file pull request: its plan should show no changes (or only pending imports carried over)."],
};
