import { Peers } from "../aiven/peer-status";
import { formatDuration } from "../duration";
import { PeerSide } from "../contract/pair-manifest";
import { assertCaughtUp, guardFailover } from "../rpo/data-loss-guard";
import { objectiveFor } from "../rpo/data-loss-objective";
import { measureStandby, RecoveryMeasurement } from "../rpo/recovery-measurement";
import { PairRun } from "./pair-run";

/** How a failover applies the pair's recovery-point objective. */
export interface DataLossOptions {
  /** `--max-data-loss`, overriding the pair's `maxDataLoss`. @default - the pair's */
  readonly maxDataLossMs?: number;
  /** `--accept-data-loss`: go on above the objective, or when it cannot be measured. */
  readonly acceptDataLoss?: boolean;
}

/**
 * Measures the standby that is about to be promoted (time-boxed), prints the
 * one line, and keeps it in the journal, the events and the timeline. The
 * credentials it logs in with appear in none of them.
 */
async function measure(
  ctx: PairRun,
  peers: Peers,
  side: PeerSide,
  taken?: RecoveryMeasurement,
): Promise<RecoveryMeasurement> {
  const service = ctx.pair[side].serviceName;
  ctx.step("replication", `reading ${service}'s replication from its standby (a few seconds at most)`);
  const measurement = taken ?? (await measureStandby(service, peers[side]));
  const record = {
    service,
    source: measurement.source ?? null,
    figures: measurement.figures ?? null,
    estimate: measurement.estimate,
  };
  ctx.reporter.info(measurement.line, { replication: record });
  ctx.journal.append("replication-measured", record);
  ctx.measured("replication", record);
  return measurement;
}

/**
 * The standby's replication, read as soon as the peers are (beside the
 * preflight's Terraform checks), when the failover will likely send: the
 * recovery a reachable passive, the primary not failed. Undefined otherwise;
 * the check then reads it itself if it needs it.
 */
export function measureRecoveryEarly(ctx: PairRun, peers: Peers): Promise<RecoveryMeasurement> | undefined {
  const { recovery, primary } = peers;
  const likelySent =
    recovery.reachable &&
    recovery.service.disaster_recovery_role === "passive" &&
    !(primary.reachable && primary.service.disaster_recovery_role === "failed");
  return likelySent ? measureStandby(ctx.pair.recovery.serviceName, recovery) : undefined;
}

/**
 * Before a failover's prompt: the data at risk, against the objective.
 * Without one it only reports; above it, or unmeasurable, it refuses unless
 * `--accept-data-loss`, which is journaled with the figure. `taken` is the
 * reading `measureRecoveryEarly` took of these peers.
 */
export async function checkDataLossBeforeFailover(
  ctx: PairRun,
  peers: Peers,
  options: DataLossOptions,
  taken?: RecoveryMeasurement,
): Promise<void> {
  const measurement = await measure(ctx, peers, "recovery", taken);
  const guard = guardFailover(
    measurement,
    objectiveFor(ctx.pair, options.maxDataLossMs),
    options.acceptDataLoss ?? false,
  );
  if (guard.kind === "within")
    ctx.reporter.info(`within the objective of ${formatDuration(guard.objective.maxMs)} (${guard.objective.source})`);
  if (guard.kind === "accepted") {
    ctx.reporter.warn(`--accept-data-loss: ${guard.why}; failing over anyway`, { acceptedDataLoss: true });
    ctx.journal.append("data-loss-accepted", {
      why: guard.why,
      estimate: measurement.estimate,
      objectiveMs: guard.objective.maxMs,
      objectiveSource: guard.objective.source,
    });
  }
}

/**
 * Before a planned switch: a standby that answers must stream and be caught
 * up, or nothing is sent. One this machine cannot reach at all says nothing
 * either way; the switch then rests on Aiven's own lossless handover, and
 * the warning says so.
 */
export async function checkCaughtUpBeforeSwitch(ctx: PairRun, peers: Peers, promote: PeerSide): Promise<void> {
  const measurement = await measure(ctx, peers, promote);
  if (measurement.notReached) {
    ctx.reporter.warn(
      `${measurement.line}; not checked from here, so the ${ctx.operation} rests on Aiven's own lossless handover`,
    );
    return;
  }
  assertCaughtUp(measurement, ctx.operation);
}
