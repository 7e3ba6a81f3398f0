import { AivenClient } from "../lib/aiven/aiven-client";
import { PairReader, TokenRefusedError } from "../lib/aiven/pair-reader";
import { ServiceByServicePeerSource } from "../lib/aiven/peer-source";
import { whereIs } from "../lib/aiven/peer-status";
import { PairManifest } from "../lib/contract/pair-manifest";
import { SimServer } from "../lib/simulator/sim-server";
import { ProjectFixture } from "./support/project-fixture";

/** The one peer reader the operations and fleet status share, against the simulator. */
const TOKEN = "tok-pair-reader-3e5a";
let project: ProjectFixture;
let pair: PairManifest;
let sim: SimServer;
let url: string;

const reader = (token: string, of: PairManifest = pair) => {
  const client = new AivenClient({ baseUrl: url, token, backoffMs: 10, timeoutMs: 500 });
  return new PairReader(new ServiceByServicePeerSource(client), client, of);
};

beforeAll(async () => {
  project = ProjectFixture.create();
  project.synth();
  pair = project.stack().pair;
  sim = new SimServer({ token: TOKEN });
  sim.model.addPairFromManifest(pair);
  url = await sim.start();
});
afterAll(async () => {
  await sim.stop();
  project.remove();
});

describe("PairReader", () => {
  it("reads both peers", async () => {
    const peers = await reader(TOKEN).read();
    expect([whereIs(peers.primary), whereIs(peers.recovery)]).toEqual(["RUNNING/active", "RUNNING/passive"]);
  });

  it("refuses a recovery service Aiven does not know, in one sentence naming it", async () => {
    const renamed = { ...pair, recovery: { ...pair.recovery, serviceName: "pg-nowhere" } };
    await expect(reader(TOKEN, renamed).read()).rejects.toThrow(
      /^Aiven has no service "pg-nowhere" in project "crdr-test" \(.*\); check the project setting and the pair's names in main\.ts\.$/,
    );
  });

  it("reads a primary Aiven does not know as unreachable: after a failover its region may be gone", async () => {
    const renamed = { ...pair, primary: { ...pair.primary, serviceName: "pg-gone" } };
    const peers = await reader(TOKEN, renamed).read();
    expect(peers.primary.reachable).toBe(false);
    expect(whereIs(peers.recovery)).toBe("RUNNING/passive");
  });

  it("refuses a token the API refuses, whichever way it reads", async () => {
    const refused = reader("tok-revoked");
    await expect(refused.read()).rejects.toThrow(TokenRefusedError);
    await expect(refused.readTolerantly()).rejects.toThrow(
      /^The Aiven API refused the token \(.*\); set AIVEN_TOKEN to a valid token for project "crdr-test"\.$/,
    );
    // After a request has gone out a refusal is no verdict, unless the wait must end on it.
    const quiet = await refused.readQuietly();
    expect([quiet.primary.reachable, quiet.recovery.reachable]).toEqual([false, false]);
    await expect(refused.readQuietly({ tokenRefusalEnds: true })).rejects.toThrow(TokenRefusedError);
  });
});
