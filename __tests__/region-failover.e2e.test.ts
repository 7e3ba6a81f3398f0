import { pushRehearsalState } from "../lib/drill/rehearsal-state";
import { synthesize } from "../lib/synth/synthesize";
import { SimServer } from "../lib/simulator/sim-server";
import { ProjectFixture, runScript } from "./support/project-fixture";
import { requireTerraform } from "./support/terraform";

const TOKEN = "tok-region-0b7e55";
const STACKS = ["bench-pg-0", "bench-pg-1", "bench-pg-2"];
const FLEET = { CRDR_BENCH_PAIRS: "3", CRDR_BENCH_PRIMARY_CLOUDS: "google-europe-west1,aws-eu-west-1" };

let project: ProjectFixture;
let sim: SimServer;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  requireTerraform();
});

beforeEach(async () => {
  project = ProjectFixture.create("bench/fleet-app.js");
  synthesize(project.dir, { ...process.env, ...FLEET });
  sim = new SimServer({ token: TOKEN });
  for (const name of STACKS) {
    const { pair } = project.stack(name);
    sim.model.addPairFromManifest(pair);
    await pushRehearsalState(project.terraform(name), pair, { primary: true, recovery: true, integrationId: `id-${name}` });
  }
  env = { ...FLEET, AIVEN_WEB_URL: await sim.start(), AIVEN_TOKEN: TOKEN, CRDR_API_BACKOFF_MS: "20", CRDR_API_RETRIES: "1", CRDR_API_TIMEOUT_MS: "2000" };
});

afterEach(async () => {
  await sim.stop();
  project.remove();
});

const failoverRegion = (...args: string[]) => runScript(project, "failover", ["--region", "google-europe-west1", "--yes", "--poll-interval", "100ms", ...args], env);
const failedPrimaries = () => sim.apiCalls("PUT").filter((p) => p.status === 200).map((p) => p.path.split("/").pop()).sort();

describe("npm run failover -- --region", () => {
  it("fails over every pair whose primary is in the region, and no other", async () => {
    const run = await failoverRegion();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(failedPrimaries()).toEqual(["bench-pg-0", "bench-pg-2"]);
    const phases = project.phaseFileJson().pairs;
    expect(Object.keys(phases).sort()).toEqual(["bench-pg-0", "bench-pg-2"]);
    for (const name of ["bench-pg-0", "bench-pg-2"]) {
      expect(phases[name]).toMatchObject({ phase: "failed-over", primary: "frozen" });
      expect(await project.stateAddresses(name)).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    }
    expect(await project.stateAddresses("bench-pg-1")).toHaveLength(3);
    expect(run.stdout).toMatch(/2 of 2 pair\(s\) failed over away from google-europe-west1/);
    expect(run.stdout).toMatch(/\[bench-pg-0\] /);
  });

  it("keeps going when one pair is refused, and a rerun finishes it without re-triggering the others", async () => {
    sim.faults.add({ kind: "status", status: 503, method: "GET", path: "bench-pg-2-dr$" });
    const first = await failoverRegion();
    expect(first.code).toBe(2);
    expect(first.stdout).toMatch(/1 of 2 pair\(s\) failed over/);
    expect(first.stdout).toMatch(/bench-pg-2: not finished \(The recovery service bench-pg-2-dr cannot be read/);
    expect(failedPrimaries()).toEqual(["bench-pg-0"]);

    sim.faults.clear();
    const rerun = await failoverRegion();
    expect(rerun.code).toBe(0);
    expect(failedPrimaries()).toEqual(["bench-pg-0", "bench-pg-2"]);
    expect(Object.keys(project.phaseFileJson().pairs).sort()).toEqual(["bench-pg-0", "bench-pg-2"]);
  });

  it("refuses a region no pair's primary is in, and --stack with --region together", async () => {
    const none = await runScript(project, "failover", ["--region", "azure-westeurope", "--yes"], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/No pair has its primary in "azure-westeurope" \(primary regions: aws-eu-west-1, google-europe-west1\); pass one of those to --region\./);
    const both = await runScript(project, "failover", ["--region", "google-europe-west1", "--stack", "bench-pg-0", "--yes"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/Pass exactly one of --stack <pair> or --region <cloud>/);
    expect(sim.apiCalls("PUT")).toEqual([]);
  });
});
