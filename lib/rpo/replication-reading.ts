import type { ClientConfig } from "pg";
import { StandbyAddress } from "./standby-address";

/**
 * What a hot standby says about its replication, at one moment on its own
 * clock. Every figure is null when the standby does not know it (no WAL
 * receiver running, nothing replayed yet, or no right to read it).
 */
export interface ReplicationFigures {
  /** When it was read, by the standby's clock. */
  readonly at: string;
  /** `pg_stat_wal_receiver.status`; null when no WAL receiver runs (the link to the primary is cut). */
  readonly receiverStatus: string | null;
  /** Since the standby last heard from the primary (`last_msg_receipt_time`). */
  readonly lastHeardMs: number | null;
  /** Received but not yet replayed (`pg_last_wal_receive_lsn()` − `pg_last_wal_replay_lsn()`): not lost, replayed before promotion. */
  readonly replayBacklogBytes: number | null;
  /** Age of the newest replayed transaction (`pg_last_xact_replay_timestamp()`). */
  readonly newestReplayedAgeMs: number | null;
  /**
   * How far the primary's WAL, as it last reported it (`latest_end_lsn`),
   * was ahead of what the standby had received; 0 when caught up then.
   */
  readonly receiveGapBytes: number | null;
}

export type ReplicationReading =
  | { readonly measured: true; readonly figures: ReplicationFigures }
  /** `reached`: the server answered (a refused login, a node not in recovery); false when no connection could be made at all. */
  | { readonly measured: false; readonly reason: string; readonly reached: boolean };

/** How long a reading may take in all: the outage must not wait on it. @default 5000 */
export const DEFAULT_READING_TIMEOUT_MS = 5000;

const QUERY = `
select pg_is_in_recovery() as in_recovery,
       clock_timestamp() as at,
       r.status as receiver_status,
       (extract(epoch from clock_timestamp() - r.last_msg_receipt_time) * 1000)::float8 as last_heard_ms,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 as replay_backlog_bytes,
       (extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 as newest_replayed_age_ms,
       greatest(pg_wal_lsn_diff(r.latest_end_lsn, pg_last_wal_receive_lsn()), 0)::float8 as receive_gap_bytes
  from (select 1) as one left join pg_stat_wal_receiver as r on true`;

/** node-postgres's TLS settings for a libpq sslmode; `require` encrypts without checking the certificate, as libpq does. */
function tlsFor(sslmode: string): ClientConfig["ssl"] {
  if (sslmode === "disable" || sslmode === "allow") return false;
  if (sslmode === "verify-ca" || sslmode === "verify-full") return { rejectUnauthorized: true };
  return { rejectUnauthorized: false };
}

/**
 * Reads the recovery's replication position from the standby itself, in one
 * query, within `timeoutMs`. Never throws: a standby that cannot be reached,
 * refuses the login or is not in recovery is a reading with a reason, and the
 * reason never holds the password.
 */
export async function readReplication(
  address: StandbyAddress,
  timeoutMs = DEFAULT_READING_TIMEOUT_MS,
): Promise<ReplicationReading> {
  // Loaded when a standby is read, not with the command: a failover reads it
  // while its Terraform checks run, so loading the driver then costs no time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client, DatabaseError } = require("pg") as typeof import("pg");
  const client = new Client({
    host: address.host,
    port: address.port,
    user: address.user,
    password: address.password,
    database: address.database,
    ssl: tlsFor(address.sslmode),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: "crdr-rpo-check",
  });
  client.on("error", () => undefined); // a connection dropped after the reading is no news
  let timer: NodeJS.Timeout | undefined;
  let connected = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs);
  });
  try {
    const row = await Promise.race([
      (async () => {
        await client.connect();
        connected = true;
        return (await client.query(QUERY)).rows[0] as Record<string, unknown>;
      })(),
      deadline,
    ]);
    if (!row.in_recovery)
      return {
        measured: false,
        reached: true,
        reason: `${address.host}:${address.port} is not in recovery (it is a primary, perhaps the active peer), so it says nothing about the standby`,
      };
    const num = (v: unknown) => (v === null || v === undefined ? null : Math.max(0, Math.round(Number(v))));
    return {
      measured: true,
      figures: {
        at: new Date(row.at as Date).toISOString(),
        receiverStatus: (row.receiver_status as string | null) ?? null,
        lastHeardMs: num(row.last_heard_ms),
        replayBacklogBytes: num(row.replay_backlog_bytes),
        newestReplayedAgeMs: num(row.newest_replayed_age_ms),
        receiveGapBytes: num(row.receive_gap_bytes),
      },
    };
  } catch (err) {
    const message = (err as Error).message || (err as NodeJS.ErrnoException).code || String(err);
    return {
      measured: false,
      reached: connected || err instanceof DatabaseError,
      reason: `${address.host}:${address.port} could not be read (${message.split(address.password).join("[REDACTED]")})`,
    };
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}
