import { PeerStatus } from "../aiven/peer-status";
import { DataLossEstimate, estimateDataLoss } from "./data-loss-estimate";
import { formatEstimate, formatReplication } from "./replication-line";
import { readReplication, ReplicationFigures } from "./replication-reading";
import { standbyAddressOf } from "./standby-address";

/** A standby's replication as measured for an operation or for status: figures and estimate, or why there are none. */
export interface RecoveryMeasurement {
  readonly service: string;
  /** Where the figures came from (host:port and the record field), never the credentials. */
  readonly source?: string;
  readonly figures?: ReplicationFigures;
  readonly estimate: DataLossEstimate;
  /**
   * Nothing answered here: the record carried no connection parameters, or
   * no connection to the standby could be made from this machine (a private
   * network, an IP filter, a name this machine cannot resolve).
   */
  readonly notReached?: boolean;
  /** The one line to print. */
  readonly line: string;
}

/**
 * Measures a passive peer's replication from the standby itself, using its
 * Aiven service record's connection parameters, within the time box.
 */
export async function measureStandby(
  service: string,
  peer: PeerStatus,
  timeoutMs?: number,
): Promise<RecoveryMeasurement> {
  const unknown = (reason: string, extra: Partial<RecoveryMeasurement> = {}): RecoveryMeasurement => ({
    service,
    estimate: { known: false, reason },
    line: `${service}: replication unknown (${reason})`,
    ...extra,
  });
  if (!peer.reachable) return unknown(`the Aiven API did not return its service record: ${peer.error.message}`);
  const found = standbyAddressOf(peer.service);
  if (!found.found) return unknown(found.reason, { notReached: true });
  const { address } = found;
  const source = `${address.host}:${address.port} (${address.from})`;
  const reading = await readReplication(address, timeoutMs);
  if (!reading.measured) return unknown(reading.reason, { source, ...(reading.reached ? {} : { notReached: true }) });
  const estimate = estimateDataLoss(reading.figures);
  return {
    service,
    source,
    figures: reading.figures,
    estimate,
    line: `${formatReplication(service, reading.figures)}; ${formatEstimate(estimate)}`,
  };
}
