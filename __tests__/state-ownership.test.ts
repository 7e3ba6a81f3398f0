import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { addressesExpectedInState, ownershipProblems, parsePulledState } from "../lib/operations/state-ownership";
import { PairManifest } from "../lib/contract/pair-manifest";
import { compareBackendCache } from "../lib/terraform/backend-cache";

const PAIR: PairManifest = {
  version: 1,
  stack: "pg-primary",
  project: "crdr-test",
  phase: { phase: "switched-over" },
  primary: {
    serviceName: "pg-primary",
    cloudName: "google-europe-west1",
    plan: "startup-4",
    address: "aiven_pg.primary",
    layout: "managed",
  },
  recovery: {
    serviceName: "pg-primary-dr",
    cloudName: "google-europe-north1",
    plan: "startup-4",
    address: "aiven_pg.recovery",
    layout: "managed",
  },
  integration: {
    integrationType: "disaster_recovery",
    address: "aiven_service_integration.disaster_recovery",
    layout: "frozen",
  },
};

const pg = (name: string, serviceName: string, project = "crdr-test") => ({
  mode: "managed",
  type: "aiven_pg",
  name,
  instances: [{ attributes: { project, service_name: serviceName } }],
});
const link = (from: string, to: string) => ({
  mode: "managed",
  type: "aiven_service_integration",
  name: "disaster_recovery",
  instances: [{ attributes: { project: "crdr-test", source_service_name: from, destination_service_name: to } }],
});
const state = (...resources: unknown[]) => parsePulledState(JSON.stringify({ version: 4, resources }))!;
const ALL = addressesExpectedInState(PAIR, [], []);

describe("whether a pulled state is the pair's", () => {
  it("accepts the pair as applied, with the link's ends either way round (Aiven may swap them while the recovery leads)", () => {
    expect(
      ownershipProblems(
        state(pg("primary", "pg-primary"), pg("recovery", "pg-primary-dr"), link("pg-primary", "pg-primary-dr")),
        PAIR,
        ALL,
      ),
    ).toEqual([]);
    expect(
      ownershipProblems(
        state(pg("primary", "pg-primary"), pg("recovery", "pg-primary-dr"), link("pg-primary-dr", "pg-primary")),
        PAIR,
        ALL,
      ),
    ).toEqual([]);
  });

  it("refuses a service of another project at a pinned address", () => {
    expect(
      ownershipProblems(
        state(
          pg("primary", "pg-primary", "other-project"),
          pg("recovery", "pg-primary-dr"),
          link("pg-primary", "pg-primary-dr"),
        ),
        PAIR,
        ALL,
      ),
    ).toEqual(["aiven_pg.primary holds pg-primary in project other-project, not pg-primary in crdr-test"]);
  });

  it("refuses a DR link between other services", () => {
    expect(
      ownershipProblems(
        state(pg("primary", "pg-primary"), pg("recovery", "pg-primary-dr"), link("pg-primary", "pg-other")),
        PAIR,
        ALL,
      ),
    ).toEqual([
      "aiven_service_integration.disaster_recovery links pg-primary to pg-other in project crdr-test, not pg-primary and pg-primary-dr",
    ]);
  });

  it("does not expect what the phase forgets, imports still pending, or what this operation forgets", () => {
    expect(addressesExpectedInState({ ...PAIR, primary: { ...PAIR.primary, layout: "forgotten" } }, [], [])).toEqual([
      "aiven_pg.recovery",
      "aiven_service_integration.disaster_recovery",
    ]);
    expect(
      addressesExpectedInState(
        PAIR,
        [{ address: "aiven_pg.primary", id: "crdr-test/pg-primary" }],
        ["aiven_service_integration.disaster_recovery"],
      ),
    ).toEqual(["aiven_pg.recovery"]);
  });

  it("tells an empty state from no state, and no state from something that is not a state", () => {
    expect(ownershipProblems(parsePulledState("")!, PAIR, ALL)).toEqual(["no state exists there"]);
    expect(ownershipProblems(state(), PAIR, ALL)).toEqual(["the state there is empty"]);
    expect(parsePulledState("<html>")).toBeUndefined();
  });
});

describe("the backend an earlier init set up", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-backend-cache-"));
    fs.mkdirSync(path.join(dir, ".terraform"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cached = (type: string, config: Record<string, unknown>) =>
    fs.writeFileSync(
      path.join(dir, ".terraform", "terraform.tfstate"),
      JSON.stringify({ version: 3, backend: { type, config } }),
    );
  const declared = {
    http: { address: "https://state.example/pg-primary", lock_address: "https://state.example/pg-primary" },
  };

  it("is the same when every setting matches (unset ones are null in the cache)", () => {
    cached("http", { ...declared.http, retry_max: null, username: null });
    expect(compareBackendCache(dir, declared)).toEqual({ kind: "same" });
  });

  it("differs when -backend-config added a setting the stack does not declare", () => {
    cached("http", { ...declared.http, unlock_address: "https://other.example/x" });
    expect(compareBackendCache(dir, declared)).toEqual({
      kind: "different",
      difference: 'unlock_address "https://other.example/x" where the stack declares (unset)',
    });
  });

  it("ignores credentials given with -backend-config, and never shows them", () => {
    cached("http", { ...declared.http, username: "ci", password: "s3cret" });
    expect(compareBackendCache(dir, declared)).toEqual({ kind: "same" });
  });

  it("differs for another backend type, and is none without a cache", () => {
    cached("local", { path: "x.tfstate" });
    expect(compareBackendCache(dir, declared)).toEqual({
      kind: "different",
      difference: "it was initialised for a local backend, the stack declares http",
    });
    fs.rmSync(path.join(dir, ".terraform"), { recursive: true });
    expect(compareBackendCache(dir, declared)).toEqual({ kind: "none" });
  });
});
