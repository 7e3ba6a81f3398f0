import { OperationName } from "../phase/phase-record";
import { OPERATION_REGISTRY } from "../operations/operation-registry";
import { Dispatch, WORKFLOW_NAME } from "./dispatch";

const dispatchOf = (operation: OperationName, dispatch: Dispatch, dryRunFirst = true) =>
  `dispatch **${WORKFLOW_NAME}** with operation \`${operation}\`${dispatch.stack ? `, stack \`${dispatch.stack}\`` : " for each pair"}${dryRunFirst ? " (a dry run first)" : ""}`;

/**
 * What follows a finished operation, in CI: the phase-file pull request, its
 * plan, and the operation that comes next (the registry's `nextStep`), each
 * dispatched from the workflow.
 */
export function nextStep(operation: OperationName, dispatch: Dispatch): string[] {
  return OPERATION_REGISTRY[operation].nextStep((next, options) =>
    dispatchOf(next, dispatch, options?.dryRunFirst ?? true),
  );
}
