import { ReplicationFigures } from "./replication-reading";

/**
 * The longest stretch of the primary's writes a promotion now could lose,
 * with what it rests on. An upper bound: it grows while the outage lasts,
 * because nobody can know what the primary wrote after the standby last
 * heard from it.
 */
export type DataLossEstimate =
  | { readonly known: true; readonly atMostMs: number; readonly basis: string }
  | { readonly known: false; readonly reason: string };

/**
 * When the standby had received everything the primary last reported, the
 * writes at risk are those after that contact: at most the time since the
 * standby last heard from the primary. Otherwise (behind at that contact, or
 * no WAL receiver to ask) every write after the newest replayed transaction
 * may be missing, so its age bounds the loss; received but unreplayed WAL is
 * not lost, which only makes that bound generous.
 */
export function estimateDataLoss(figures: ReplicationFigures): DataLossEstimate {
  const { lastHeardMs, receiveGapBytes, newestReplayedAgeMs } = figures;
  if (lastHeardMs !== null && receiveGapBytes === 0) {
    return {
      known: true,
      atMostMs: lastHeardMs,
      basis: "the time since the standby last heard from the primary, having received all it reported",
    };
  }
  if (newestReplayedAgeMs !== null) {
    const atMostMs = Math.max(newestReplayedAgeMs, lastHeardMs ?? 0);
    return {
      known: true,
      atMostMs,
      basis: "the age of the newest replayed transaction (the standby was not shown caught up with the primary)",
    };
  }
  return {
    known: false,
    reason: "the standby has no WAL receiver figures and has replayed no transaction to date from",
  };
}
