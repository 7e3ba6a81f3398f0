import { Peers } from "../aiven/peer-status";
import { PairManifest } from "../contract/pair-manifest";
import { measureStandby } from "../rpo/recovery-measurement";
import { DataLossEstimate } from "../rpo/data-loss-estimate";
import { ReplicationFigures } from "../rpo/replication-reading";

/** A pair's replication as `status` shows it: the passive peer's figures, or why there are none. */
export interface ReplicationReport {
  /** The passive peer measured, when there is one. */
  readonly service?: string;
  readonly figures?: ReplicationFigures;
  readonly estimate?: DataLossEstimate;
  /** The one line printed: the figures, or why they are unknown. */
  readonly line: string;
}

/**
 * Measures the pair's passive peer (the recovery normally, the primary once
 * switched over) from its standby, time-boxed. A pair with no passive peer
 * (failed over) has no replication to show.
 */
export async function replicationOf(pair: PairManifest, peers: Peers): Promise<ReplicationReport> {
  const side = (["recovery", "primary"] as const).find((s) => {
    const peer = peers[s];
    return peer.reachable && peer.service.disaster_recovery_role === "passive";
  });
  if (!side) return { line: "unknown: neither peer is a readable passive service, so there is no standby to measure" };
  const m = await measureStandby(pair[side].serviceName, peers[side]);
  return { service: m.service, ...(m.figures ? { figures: m.figures } : {}), estimate: m.estimate, line: m.line };
}
