import { formatDuration } from "../duration";
import { UserError } from "../user-error";
import { RecoveryMeasurement } from "./recovery-measurement";

/** The pair's recovery-point objective as a failover applies it. */
export interface DataLossObjective {
  readonly maxMs: number;
  /** Where it came from: the pair's `maxDataLoss` or `--max-data-loss`. */
  readonly source: string;
}

export type FailoverGuard =
  | { readonly kind: "report-only" }
  | { readonly kind: "within"; readonly objective: DataLossObjective }
  | { readonly kind: "accepted"; readonly objective: DataLossObjective; readonly why: string };

/**
 * Whether a failover may go on: always without an objective (the figure is
 * reported only); within the objective; or above it, or unmeasurable, only
 * with `--accept-data-loss`. A refusal is one sentence with the figure.
 */
export function guardFailover(
  measurement: RecoveryMeasurement,
  objective: DataLossObjective | undefined,
  acceptDataLoss: boolean,
): FailoverGuard {
  if (!objective) return { kind: "report-only" };
  const { estimate } = measurement;
  if (estimate.known && estimate.atMostMs <= objective.maxMs) return { kind: "within", objective };
  const limit = `${formatDuration(objective.maxMs)} (${objective.source})`;
  const why = estimate.known
    ? `${measurement.service}: up to ${formatDuration(estimate.atMostMs)} of the primary's writes could be lost, above the objective of ${limit}`
    : `the data a failover to ${measurement.service} would lose cannot be measured (${estimate.reason}), and the objective is ${limit}`;
  if (acceptDataLoss) return { kind: "accepted", objective, why };
  throw new UserError(
    `Not failing over: ${why}; nothing was changed. Wait for the standby to catch up and rerun, or rerun with --accept-data-loss to fail over accepting that loss.`,
  );
}

/**
 * A switchover is lossless only from a standby that streams from its active
 * peer and has received and replayed all it reported. Refuses otherwise,
 * before anything is sent.
 */
export function assertCaughtUp(measurement: RecoveryMeasurement, operation: string): void {
  const f = measurement.figures;
  if (!f)
    throw new UserError(
      `Not starting the ${operation}: ${measurement.line}; a ${operation} needs a standby shown streaming and caught up. Check it with npm run status, then rerun. Nothing was sent.`,
    );
  const behind = [
    f.receiverStatus !== "streaming" ? `its WAL receiver is ${f.receiverStatus ?? "not running"}` : "",
    f.receiveGapBytes !== 0 ? "it had not received all its active peer reported" : "",
    f.replayBacklogBytes !== 0 ? "it has WAL waiting to replay" : "",
  ].filter(Boolean);
  if (behind.length) {
    throw new UserError(
      `Not starting the ${operation}: ${measurement.service} is not caught up (${behind.join(", ")}): ${measurement.line}. Wait until it streams and has replayed everything, then rerun. Nothing was sent.`,
    );
  }
}
