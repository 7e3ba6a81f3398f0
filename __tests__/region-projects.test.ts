import { AivenClient } from "../lib/aiven/aiven-client";
import { failover } from "../lib/operations/failover";
import { CommonOptions, OperationDeps } from "../lib/operations/operation-inputs";
import { regionRun } from "../lib/operations/region-run";
import { CapturingReporter } from "../lib/reporting/capturing-reporter";
import { SimServer } from "../lib/simulator/sim-server";
import { synthesize } from "../lib/synth/synthesize";
import { UserError } from "../lib/user-error";
import { ProjectFixture } from "./support/project-fixture";
import { RecordingTerraform } from "./support/recording-terraform";

/**
 * A fleet spread over two Aiven projects, failed over one project at a time
 * (`--region R --project P`): what one workflow job per project runs, each
 * with its own token and so its own budget. In this process, against the
 * simulator; Terraform recorded.
 */
const TOKEN = "tok-projects-9e04";
const WEST = "google-europe-west1";
const FLEET = { CRDR_BENCH_PAIRS: "4", CRDR_BENCH_PRIMARY_CLOUDS: WEST, CRDR_BENCH_PROJECTS: "proj-a,proj-b" };
const IN = { "proj-a": ["bench-pg-0", "bench-pg-2"], "proj-b": ["bench-pg-1", "bench-pg-3"] };
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];

let project: ProjectFixture;
let sim: SimServer;
let url: string;

beforeEach(async () => {
  project = ProjectFixture.create("bench/fleet-app.js");
  synthesize(project.dir, { ...process.env, ...FLEET });
  sim = new SimServer({
    token: TOKEN,
    rateLimit: { limit: 120, windowMs: 60_000 },
    delays: { failoverMs: 100, roleLagMs: 30 },
  });
  for (const name of [...IN["proj-a"], ...IN["proj-b"]]) sim.model.addPairFromManifest(project.stack(name).pair);
  url = await sim.start();
});

afterEach(async () => {
  await sim.stop();
  project.remove();
});

function runProject(
  aivenProject: string | undefined,
  client = new AivenClient({ baseUrl: url, token: TOKEN, backoffMs: 10, timeoutMs: 2000 }),
) {
  const terraform = new Map<string, RecordingTerraform>();
  const deps: OperationDeps = {
    projectDir: project.dir,
    env: { ...process.env, ...FLEET, AIVEN_TOKEN: TOKEN },
    client,
    reporter: new CapturingReporter(),
    terraform: (o) => terraform.get(o.cwd) ?? terraform.set(o.cwd, new RecordingTerraform(o.cwd, ALL)).get(o.cwd)!,
  };
  const common: CommonOptions = {
    stack: "",
    dryRun: false,
    yes: true,
    timeoutMs: 20_000,
    pollIntervalMs: 20,
    lostAnswerGraceMs: 500,
  };
  return regionRun(
    "failover",
    { region: WEST, project: aivenProject, parallel: 4, dryRun: false, yes: true, pollIntervalMs: 20 },
    deps,
    (stack, pairDeps) =>
      failover({ ...common, stack, primaryUnreachable: false, stateOnly: false, force: false }, pairDeps),
  );
}

describe("a region run split by Aiven project", () => {
  it("fails over one project's pairs per run, each run reading and writing only its own project", async () => {
    const a = await runProject("proj-a");
    expect(a.map((o) => [o.stack, o.exitCode])).toEqual(IN["proj-a"].map((s) => [s, 0]));
    const afterA = sim.apiCalls();
    expect(afterA.length).toBeGreaterThan(0);
    expect(afterA.filter((r) => !r.path.startsWith("/v1/project/proj-a/"))).toEqual([]);
    expect(sim.apiCalls("PUT").map((r) => r.path)).toEqual(
      expect.arrayContaining(IN["proj-a"].map((s) => `/v1/project/proj-a/service/${s}`)),
    );
    expect(sim.apiCalls("PUT")).toHaveLength(2);

    const b = await runProject("proj-b");
    expect(b.map((o) => [o.stack, o.exitCode])).toEqual(IN["proj-b"].map((s) => [s, 0]));
    const byB = sim.apiCalls().slice(afterA.length);
    expect(byB.filter((r) => !r.path.startsWith("/v1/project/proj-b/"))).toEqual([]);
    // The two runs together: every pair of the region sent its role change exactly once.
    const everyPair = [
      ...IN["proj-a"].map((s) => `/v1/project/proj-a/service/${s}`),
      ...IN["proj-b"].map((s) => `/v1/project/proj-b/service/${s}`),
    ];
    expect(
      sim
        .apiCalls("PUT")
        .map((r) => r.path)
        .sort(),
    ).toEqual(everyPair.sort());
    expect(sim.apiCalls().filter((r) => r.status === 429)).toEqual([]);
  });

  it("over both projects in one run, with a budget per project, keeps each project within its own limit", async () => {
    // Aiven counting each project apart, with a limit this run must wait for:
    // it makes more requests per project than fit in one window.
    await sim.stop();
    sim = new SimServer({
      token: TOKEN,
      rateLimit: { limit: 3, windowMs: 2500, per: "project" },
      delays: { failoverMs: 100, roleLagMs: 30 },
    });
    for (const name of [...IN["proj-a"], ...IN["proj-b"]]) sim.model.addPairFromManifest(project.stack(name).pair);
    url = await sim.start();
    // The run's budgets count a window half a second longer than the
    // simulator's: slack for a busy machine between a request leaving and arriving.
    const client = new AivenClient({
      baseUrl: url,
      token: TOKEN,
      backoffMs: 10,
      timeoutMs: 2000,
      rateLimit: { limit: 3, windowMs: 3000 },
      rateLimitPer: "project",
    });

    const outcomes = await runProject(undefined, client);
    expect(outcomes.map((o) => [o.stack, o.exitCode])).toEqual([0, 1, 2, 3].map((i) => [`bench-pg-${i}`, 0]));
    expect(sim.apiCalls().filter((r) => r.status === 429)).toEqual([]);
    for (const [p, stacks] of Object.entries(IN)) {
      const calls = sim.apiCalls().filter((r) => r.path.startsWith(`/v1/project/${p}/`));
      // More than one window's worth, every one of them taken (no 429): the budget held the rest back.
      expect(calls.length).toBeGreaterThan(3);
      expect(
        calls
          .filter((r) => r.method === "PUT")
          .map((r) => r.path)
          .sort(),
      ).toEqual(stacks.map((s) => `/v1/project/${p}/service/${s}`));
    }
  });

  it("refuses a project no pair is in, naming the projects there are", async () => {
    await expect(runProject("proj-c")).rejects.toThrow(
      new UserError(
        'No pair is in the Aiven project "proj-c" (projects: proj-a, proj-b); pass one of those to --project.',
      ),
    );
    expect(sim.apiCalls()).toEqual([]);
  });
});
