import { Client } from "pg";
import { estimateDataLoss } from "../../lib/rpo/data-loss-estimate";
import { readReplication } from "../../lib/rpo/replication-reading";
import { PostgresPair, requirePostgres } from "../support/postgres-pair";

/**
 * The estimate is an upper bound: over primaries killed at random points of
 * a steady stream of acknowledged writes, the writes missing on the promoted
 * standby never span more time than the estimate taken after the kill.
 */
describe("the data-loss estimate against writes really lost", () => {
  beforeAll(() => requirePostgres());

  // A few rounds in the suite; CRDR_CANARY_KILLS=20 for the twenty (about 5s each).
  const KILLS = Number(process.env.CRDR_CANARY_KILLS ?? 4);

  it(
    `never claims less than the canaries lost, over ${KILLS} primaries killed mid-stream at random points`,
    async () => {
      const rounds: Array<Record<string, number>> = [];
      for (let round = 0; round < KILLS; round++) {
        const pg = await PostgresPair.start();
        try {
          await pg.sql("primary", "create table canary (id int primary key)");
          await pg.waitUntilCaughtUp();
          const killAfter = 20 + Math.floor(Math.random() * 200);
          const sentAt = new Map<number, number>();
          const ackedAt = new Map<number, number>();
          const writer = new Client({ ...pg.endpoint("primary") });
          writer.on("error", () => undefined);
          await writer.connect();
          let reachedKillPoint!: () => void;
          const killPoint = new Promise<void>((r) => (reachedKillPoint = r));
          // Writes one canary at a time until the primary dies under it.
          const writing = (async () => {
            for (let id = 1; ; id++) {
              sentAt.set(id, Date.now());
              try {
                await writer.query("insert into canary values ($1)", [id]);
              } catch {
                return;
              }
              ackedAt.set(id, Date.now());
              if (id === killAfter) reachedKillPoint();
            }
          })();
          await killPoint;
          await pg.kill("primary");
          await writing;
          await writer.end().catch(() => undefined);

          const e = pg.endpoint("standby");
          const reading = await readReplication({
            host: e.host,
            port: e.port,
            user: e.user,
            password: e.password,
            database: e.database,
            sslmode: "disable",
            from: "test",
          });
          expect(reading.measured).toBe(true);
          const estimate = estimateDataLoss((reading as Extract<typeof reading, { measured: true }>).figures);
          expect(estimate.known).toBe(true);

          await pg.sql("standby", "select pg_promote(true, 60)");
          const surviving = new Set(
            (await pg.sql<{ id: number }>("standby", "select id from canary")).map((r) => r.id),
          );
          const lost = [...ackedAt.keys()].filter((id) => !surviving.has(id));
          const lossSpanMs = lost.length
            ? Math.max(...lost.map((id) => ackedAt.get(id)!)) - Math.min(...lost.map((id) => sentAt.get(id)!))
            : 0;
          expect(ackedAt.size).toBeGreaterThanOrEqual(killAfter);
          expect(estimate.known && estimate.atMostMs).toBeGreaterThanOrEqual(lossSpanMs);
          rounds.push({
            killAfter,
            lost: lost.length,
            lossSpanMs,
            estimateMs: estimate.known ? estimate.atMostMs : -1,
          });
        } finally {
          await pg.stop();
        }
      }
      expect(rounds).toHaveLength(KILLS);
      if (process.env.CRDR_CANARY_REPORT) process.stdout.write(`${JSON.stringify(rounds)}\n`);
    },
    60_000 + KILLS * 30_000,
  );
});
