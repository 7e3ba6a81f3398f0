import * as fs from "fs";
import * as path from "path";
import { pushRehearsalState } from "../lib/drill/rehearsal-state";
import { PhaseFolder } from "../lib/phase/phase-folder";
import { SimServer } from "../lib/simulator/sim-server";
import { synthesize } from "../lib/synth/synthesize";
import { ProjectFixture, runScript } from "./support/project-fixture";
import { requireTerraform } from "./support/terraform";
import { withDefaultFlags } from "./support/dr-operations";

/**
 * Region runs over a generated fleet of 12 pairs in two regions, against a
 * simulator that enforces Aiven's rate limit, with the real terraform binary.
 */
const TOKEN = "tok-region-0b7e55";
const WEST = "google-europe-west1";
const STACKS = Array.from({ length: 12 }, (_, i) => `bench-pg-${i}`);
const IN_WEST = STACKS.filter((_, i) => i % 2 === 0);
const ELSEWHERE = STACKS.filter((_, i) => i % 2 === 1);

let project: ProjectFixture;
let sim: SimServer;
let env: NodeJS.ProcessEnv;
let synthLog: string;

beforeAll(() => {
  requireTerraform();
});

beforeEach(async () => {
  project = ProjectFixture.create("bench/fleet-app.js");
  synthLog = path.join(project.dir, "synths.log");
  const fleet = { CRDR_BENCH_PAIRS: String(STACKS.length), CRDR_BENCH_PRIMARY_CLOUDS: `${WEST},aws-eu-west-1` };
  synthesize(project.dir, { ...process.env, ...fleet });
  sim = new SimServer({
    token: TOKEN,
    rateLimit: { limit: 120, windowMs: 60_000 },
    delays: { failoverMs: 300, rebuildMs: 300, rebalanceMs: 300, switchoverMs: 300, roleLagMs: 200 },
  });
  await Promise.all(
    STACKS.map(async (name) => {
      const { pair } = project.stack(name);
      sim.model.addPairFromManifest(pair);
      await pushRehearsalState(project.terraform(name), pair, {
        primary: true,
        recovery: true,
        integrationId: `id-${name}`,
      });
    }),
  );
  env = {
    ...fleet,
    CRDR_BENCH_SYNTH_LOG: synthLog,
    AIVEN_WEB_URL: await sim.start(),
    AIVEN_TOKEN: TOKEN,
    CRDR_API_BACKOFF_MS: "20",
    CRDR_API_TIMEOUT_MS: "2000",
  };
});

afterEach(async () => {
  await sim.stop();
  project.remove();
});

const inRegion = (script: string, ...args: string[]) =>
  runScript(
    project,
    script,
    withDefaultFlags(
      [["--region", WEST], ["--yes"], ["--poll-interval", "200ms"], ["--lost-answer-grace", "2s"]],
      args,
    ),
    env,
  );
const putsTo = (service: string) => sim.apiCalls("PUT").filter((p) => p.path.endsWith(`/service/${service}`));
const synthCount = () => (fs.existsSync(synthLog) ? fs.readFileSync(synthLog, "utf8").trim().split("\n").length : 0);
const phases = () => PhaseFolder.load(project.phaseDir);
const roleOf = (service: string) => sim.model.getService("crdr-bench", service).disaster_recovery_role;

/** Every stack's cdk.tf.json is what its phase record synthesizes. */
function expectStacksMatchTheirPhases() {
  const recorded = phases();
  for (const name of STACKS) expect(() => project.stack(name).verifyAgainst(recorded.phaseOf(name))).not.toThrow();
}

describe("npm run failover -- --region", () => {
  it("fails over exactly the region's pairs, with one synth for the run, inside the rate limit", async () => {
    const run = await inRegion("failover");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    for (const name of IN_WEST) {
      expect(putsTo(name)).toHaveLength(1);
      expect(phases().phaseOf(name)).toMatchObject({ phase: "failed-over", primary: "frozen" });
      expect(await project.stateAddresses(name)).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    }
    for (const name of ELSEWHERE) {
      expect(putsTo(name)).toEqual([]);
      expect(phases().phaseOf(name).phase).toBe("normal");
    }
    expect(synthCount()).toBe(1);
    expectStacksMatchTheirPhases();
    expect(sim.apiCalls().filter((r) => r.status === 429)).toEqual([]);
    // Reads go through the service list: far fewer than two GETs per pair per poll.
    expect(sim.apiCalls("GET").filter((r) => /\/service\/[^/]+$/.test(r.path))).toEqual([]);
    expect(run.stdout).toMatch(/6 of 6 pair\(s\) failed over away from google-europe-west1/);
    expect(run.stdout).toMatch(/\[bench-pg-0\] /);
  });

  it("keeps going when a pair is refused, and a rerun finishes it without a second role change for the others", async () => {
    sim.model.addService({
      project: "crdr-bench",
      name: "bench-pg-4-dr",
      plan: "startup-4",
      cloud: "google-europe-north1",
      state: "REBUILDING",
      role: "passive",
    });
    const first = await inRegion("failover");
    // Partly done: five pairs changed at Aiven, one refused. Not "nothing changed" (2).
    expect(first.code).toBe(6);
    expect(first.stdout).toMatch(/5 of 6 pair\(s\) failed over/);
    expect(first.stdout).toMatch(
      /bench-pg-4: not finished \(The recovery service bench-pg-4-dr is REBUILDING, not RUNNING/,
    );
    expect(putsTo("bench-pg-4")).toEqual([]);
    expectStacksMatchTheirPhases();

    sim.model.addService({
      project: "crdr-bench",
      name: "bench-pg-4-dr",
      plan: "startup-4",
      cloud: "google-europe-north1",
      state: "RUNNING",
      role: "passive",
    });
    const rerun = await inRegion("failover");
    expect(rerun.code).toBe(0);
    for (const name of IN_WEST) expect(putsTo(name)).toHaveLength(1);
    expect(synthCount()).toBe(2);
    expectStacksMatchTheirPhases();
  });

  it("mends a crash between the phase records and the final synth: the rerun sends nothing more, and every stack matches its record", async () => {
    sim.model.delays = { ...sim.model.delays, failoverMs: 1500 };
    const crashed = await runScript(
      project,
      "failover",
      ["--region", WEST, "--yes", "--poll-interval", "200ms", "--parallel", "3"],
      env,
      (child) => {
        const timer = setInterval(() => {
          const recorded = Object.keys(project.phases()).length;
          if (recorded >= 3) {
            clearInterval(timer);
            child.kill("SIGKILL");
          }
        }, 10);
        child.on("exit", () => clearInterval(timer));
      },
    );
    expect(crashed.signal).toBe("SIGKILL");
    expect(synthCount()).toBe(0);
    const putsBefore = sim.apiCalls("PUT").length;

    const rerun = await inRegion("failover");
    expect(rerun.code).toBe(0);
    for (const name of IN_WEST) expect(putsTo(name)).toHaveLength(1);
    expect(sim.apiCalls("PUT").length).toBe(IN_WEST.length);
    expect(putsBefore).toBeGreaterThanOrEqual(3);
    expectStacksMatchTheirPhases();
    for (const name of IN_WEST) expect(roleOf(name)).toBe("failed");
  });

  it("reads peers one by one when the service list fails", async () => {
    sim.faults.add({ kind: "status", status: 503, method: "GET", path: "/service$" });
    const run = await inRegion("failover");
    expect(run.code).toBe(0);
    for (const name of IN_WEST) expect(roleOf(name)).toBe("failed");
    expect(sim.apiCalls("GET").filter((r) => /\/service\/[^/]+$/.test(r.path)).length).toBeGreaterThan(0);
  });

  it("leaves its pairs unfinished in the journal when the one synth at the end fails: status says so, and a rerun finishes", async () => {
    const breakFile = path.join(project.dir, "break-synth");
    const run = await runScript(
      project,
      "failover",
      ["--region", WEST, "--yes", "--poll-interval", "200ms"],
      { ...env, CRDR_BENCH_BREAK_FILE: breakFile },
      (child) => {
        const timer = setInterval(() => {
          if (sim.apiCalls("PUT").length >= IN_WEST.length) {
            clearInterval(timer);
            fs.writeFileSync(breakFile, "");
          }
        }, 10);
        child.on("exit", () => clearInterval(timer));
      },
    );
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(
      /6 pair\(s\) changed at Aiven and recorded in the phase file .* but resynthesizing failed/,
    );
    const status = await runScript(project, "status", ["--region", WEST, "--json"], {
      ...env,
      CRDR_BENCH_BREAK_FILE: breakFile,
    });
    // The phase file is newer than every cdk.tf.json, and synth is still broken: status uses the old output and says the runs are unfinished.
    expect(JSON.parse(status.stdout)).toMatchObject({ verdict: "degraded", counts: { degraded: 6 } });
    fs.rmSync(breakFile);
    const rerun = await inRegion("failover");
    expect(rerun.code).toBe(0);
    expect(sim.apiCalls("PUT")).toHaveLength(IN_WEST.length);
    expectStacksMatchTheirPhases();
    const after = await runScript(project, "status", ["--region", WEST, "--json"], env);
    expect(JSON.parse(after.stdout).verdict).toBe("healthy");
  });

  it("refuses a region no pair's primary is in, --stack with --region together, and a --project that is not a region run's or has no pair", async () => {
    const none = await runScript(project, "failover", ["--region", "azure-westeurope", "--yes"], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /No pair has its primary in "azure-westeurope" \(primary regions: aws-eu-west-1, google-europe-west1\); pass one of those to --region\./,
    );
    const both = await runScript(project, "failover", ["--region", WEST, "--stack", "bench-pg-0", "--yes"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/Pass exactly one of --stack <pair> or --region <cloud>/);
    const projectAlone = await runScript(
      project,
      "failover",
      ["--stack", "bench-pg-0", "--project", "crdr-bench", "--yes"],
      env,
    );
    expect(projectAlone.code).toBe(2);
    expect(projectAlone.stderr).toContain(
      '--project "crdr-bench" only narrows a region run; pass --region <cloud> with it',
    );
    const unknownProject = await runScript(
      project,
      "failover",
      ["--region", WEST, "--project", "crdr-other", "--yes"],
      env,
    );
    expect(unknownProject.code).toBe(2);
    expect(unknownProject.stderr).toContain(
      'No pair is in the Aiven project "crdr-other" (projects: crdr-bench); pass one of those to --project.',
    );
    expect(sim.apiCalls("PUT")).toEqual([]);
  });
});

describe("the rest of the cycle by region", () => {
  it("reverts the region's failed-over pairs, with import blocks and one synth", async () => {
    expect((await inRegion("failover")).code).toBe(0);
    const reverted = await inRegion("revert");
    expect(reverted.stderr).toBe("");
    expect(reverted.code).toBe(0);
    for (const name of IN_WEST) {
      expect(putsTo(name).map((p) => (p.body as { disaster_recovery_role: string }).disaster_recovery_role)).toEqual([
        "failed",
        "passive",
        "active",
      ]);
      expect(phases().phaseOf(name)).toMatchObject({
        phase: "normal",
        operation: "revert",
        pendingImports: [{ address: "aiven_service_integration.disaster_recovery" }],
      });
      expect(project.stack(name).json.import).toHaveLength(1);
    }
    expect(synthCount()).toBe(2);
    expectStacksMatchTheirPhases();
    expect(reverted.stdout).toMatch(/6 of 6 pair\(s\) reverted to google-europe-west1/);
  });

  it("switches the region's pairs over and back, leaving the other region alone", async () => {
    expect((await inRegion("switchover")).code).toBe(0);
    for (const name of IN_WEST) expect(phases().phaseOf(name).phase).toBe("switched-over");
    for (const name of ELSEWHERE) expect(roleOf(`${name}-dr`)).toBe("passive");
    const back = await inRegion("switchback");
    expect(back.code).toBe(0);
    for (const name of IN_WEST) {
      expect(phases().phaseOf(name)).toMatchObject({ phase: "normal", operation: "switchback" });
      expect(roleOf(name)).toBe("active");
    }
    expect(synthCount()).toBe(2);
    expectStacksMatchTheirPhases();
    expect(sim.apiCalls().filter((r) => r.status === 429)).toEqual([]);
  });

  it("says there is nothing to do when no pair in the region is in a phase the operation acts on", async () => {
    const run = await inRegion("switchback");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/No pair in google-europe-west1 is in a phase switchback acts on; nothing to do/);
    expect(run.stdout).toMatch(/\[bench-pg-0\] skipped: switchback is not allowed while the pair is "normal"/);
    expect(sim.apiCalls("PUT")).toEqual([]);
  });
});

describe("npm run status for a fleet", () => {
  it("reads every pair through the service list and prints a table with counts, by region or all", async () => {
    expect((await inRegion("failover")).code).toBe(0);
    const getsBefore = sim.apiCalls("GET").length;
    const all = await runScript(project, "status", ["--all"], env);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^\s+stack\s+phase\s+primary\s+recovery\s+link$/m);
    expect(all.stdout).toMatch(/^✔\s+bench-pg-0\s+failed-over\s+POWEROFF\/failed\s+RUNNING\/active\s+active$/m);
    expect(all.stdout).toMatch(/12 pair\(s\): 12 healthy, 0 degraded, 0 drifted/);
    expect(sim.apiCalls("GET").length - getsBefore).toBeLessThanOrEqual(2);

    const west = await runScript(project, "status", ["--region", WEST, "--json"], env);
    const doc = JSON.parse(west.stdout);
    expect(doc).toMatchObject({ version: 1, verdict: "healthy", counts: { healthy: 6, degraded: 0, drifted: 0 } });
    expect(doc.pairs.map((p: { stack: string }) => p.stack).sort()).toEqual([...IN_WEST].sort());
  });

  it("falls back to a GET per service when the service list does not carry roles", async () => {
    sim.model.behaviour = { ...sim.model.behaviour, listOmitsRoles: true };
    const all = await runScript(project, "status", ["--all", "--json"], env);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).counts).toEqual({ healthy: 12, degraded: 0, drifted: 0 });
    expect(sim.apiCalls("GET").filter((r) => /\/service\/[^/]+$/.test(r.path))).toHaveLength(24);
  });
});
