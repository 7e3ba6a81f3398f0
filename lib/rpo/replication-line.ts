import { formatDuration } from "../duration";
import { DataLossEstimate } from "./data-loss-estimate";
import { ReplicationFigures } from "./replication-reading";

/** "0 B", "12 kB", "3.4 MB": bytes the way people read them. */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/**
 * One line: "pg-primary-dr last heard from the primary 3s ago; 0 B waiting
 * to replay; newest replayed transaction 2s old".
 */
export function formatReplication(service: string, f: ReplicationFigures): string {
  const heard =
    f.lastHeardMs !== null
      ? `last heard from the primary ${formatDuration(f.lastHeardMs)} ago${f.receiverStatus && f.receiverStatus !== "streaming" ? ` (WAL receiver ${f.receiverStatus})` : ""}`
      : "has no link to the primary (no WAL receiver running)";
  const backlog =
    f.replayBacklogBytes !== null
      ? `${formatBytes(f.replayBacklogBytes)} waiting to replay`
      : "nothing received to replay";
  const newest =
    f.newestReplayedAgeMs !== null
      ? `newest replayed transaction ${formatDuration(f.newestReplayedAgeMs)} old`
      : "no transaction replayed yet";
  const gap = f.receiveGapBytes ? `; ${formatBytes(f.receiveGapBytes)} behind the primary at last contact` : "";
  return `${service} ${heard}; ${backlog}; ${newest}${gap}`;
}

export function formatEstimate(estimate: DataLossEstimate): string {
  return estimate.known
    ? `up to ${formatDuration(estimate.atMostMs)} of the primary's writes could be lost`
    : `the data at risk is unknown: ${estimate.reason}`;
}
