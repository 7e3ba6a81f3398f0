import * as net from "net";
import { PostgresPair, requirePostgres } from "../support/postgres-pair";

/**
 * The local PostgreSQL pair the drill and the RPO tests start: a port found
 * free can be taken by another process before PostgreSQL binds it (a busy CI
 * machine runs many servers at once). Real PostgreSQL 15.
 */
let held: net.Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (held ? held.close(() => resolve()) : resolve()));
  held = undefined;
});

function holdAPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    held = net.createServer();
    held.once("error", reject);
    held.listen(0, "127.0.0.1", () => resolve((held!.address() as net.AddressInfo).port));
  });
}

describe("a PostgreSQL node whose port another process took first", () => {
  it("moves to another free port and replicates there", async () => {
    requirePostgres();
    const taken = await holdAPort();
    const pair = await PostgresPair.start({ primary: taken, standby: taken });
    try {
      expect(pair.endpoint("primary").port).not.toBe(taken);
      expect(pair.endpoint("standby").port).not.toBe(taken);
      await pair.sql("primary", "create table t (v int)");
      await pair.sql("primary", "insert into t values (7)");
      await pair.waitUntilCaughtUp();
      expect(await pair.sql("standby", "select v from t")).toEqual([{ v: 7 }]);
    } finally {
      await pair.stop();
    }
  });
});
