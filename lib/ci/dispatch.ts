import { OperationName } from "../phase/phase-record";

/** What the dr-operation workflow can be dispatched to run. */
export type DispatchedOperation = OperationName | "status" | "drill";

/** One dispatch of the dr-operation workflow, as its inputs gave it. */
export interface Dispatch {
  readonly operation: DispatchedOperation;
  /** One pair's stack; absent for a region run, and for status or the drill over every pair. */
  readonly stack?: string;
  /** Failover only: every pair whose primary is in this region. */
  readonly region?: string;
  /** With a region: only its pairs in this Aiven project. */
  readonly project?: string;
  readonly primaryUnreachable?: boolean;
  readonly stateOnly?: boolean;
  readonly acceptDataLoss?: boolean;
  readonly dryRun: boolean;
}

/** The workflow's name, as the Actions tab lists it. */
export const WORKFLOW_NAME = "DR operation";

/** "stack `pg-primary`", "region `google-europe-west1`", or "every pair". */
export function describeTarget(dispatch: Dispatch): string {
  if (dispatch.stack) return `stack \`${dispatch.stack}\``;
  if (dispatch.region)
    return `region \`${dispatch.region}\`${dispatch.project ? `, project \`${dispatch.project}\`` : ""}`;
  return "every pair";
}

/** The inputs to dispatch the same run again, for instructions such as "dispatch … again with …". */
export function describeInputs(dispatch: Dispatch, dryRun = dispatch.dryRun): string {
  return [
    `operation \`${dispatch.operation}\``,
    dispatch.stack ? `stack \`${dispatch.stack}\`` : "",
    dispatch.region ? `region \`${dispatch.region}\`` : "",
    dispatch.project ? `project \`${dispatch.project}\`` : "",
    dispatch.primaryUnreachable ? "primary-unreachable **on**" : "",
    dispatch.stateOnly ? "state-only **on**" : "",
    dispatch.acceptDataLoss ? "accept-data-loss **on**" : "",
    dispatch.operation === "status" || dispatch.operation === "drill" ? "" : `dry-run **${dryRun ? "on" : "off"}**`,
  ]
    .filter(Boolean)
    .join(", ");
}

/** The headline's subject: "failover of stack `pg-primary`", "dry run of revert of stack `pg-primary`". */
export function describeRun(dispatch: Dispatch): string {
  return `${dispatch.dryRun ? "dry run of " : ""}${dispatch.operation} of ${describeTarget(dispatch)}`;
}
