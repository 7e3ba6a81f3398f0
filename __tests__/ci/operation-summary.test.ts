import * as fs from "fs";
import * as path from "path";
import { AivenClient } from "../../lib/aiven/aiven-client";
import { Dispatch } from "../../lib/ci/dispatch";
import { parseOperationEvents } from "../../lib/ci/operation-events";
import { foldOperationRun } from "../../lib/ci/operation-run";
import { operationSummary } from "../../lib/ci/operation-summary";
import { phasePullRequest, PULL_REQUEST_BODY_LIMIT, PULL_REQUEST_MARKER } from "../../lib/ci/phase-pull-request";
import { failover } from "../../lib/operations/failover";
import { CommonOptions, OperationDeps } from "../../lib/operations/operation-inputs";
import { plannedSwitch } from "../../lib/operations/planned-switch";
import { regionRun } from "../../lib/operations/region-run";
import { revert } from "../../lib/operations/revert";
import { Timeline } from "../../lib/operations/timeline";
import { OperationName } from "../../lib/phase/phase-record";
import { SimServer } from "../../lib/simulator/sim-server";
import { synthesize } from "../../lib/synth/synthesize";
import { CommandIo } from "../../lib/cli/command-runner";
import { captureOperationStream, OperationStream } from "../support/operation-stream";
import { ProjectFixture, STACK } from "../support/project-fixture";
import { RecordingTerraform } from "../support/recording-terraform";

/**
 * The job summary, rendered from the NDJSON an operation really prints: each
 * operation runs in this process against the simulator (Terraform recorded),
 * through the same command runner the scripts use with --json.
 */
const TOKEN = "tok-summary-5d1c0a";
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];
const FAST = { failoverMs: 60, rebuildMs: 60, rebalanceMs: 60, switchoverMs: 60, roleLagMs: 30 };

let project: ProjectFixture;
let sim: SimServer;
let terraform: RecordingTerraform;
let client: AivenClient;

const common: CommonOptions = {
  stack: STACK,
  dryRun: false,
  yes: true,
  timeoutMs: 10_000,
  pollIntervalMs: 20,
  lostAnswerGraceMs: 300,
};
const failoverOptions = { ...common, primaryUnreachable: false, stateOnly: false, force: false };

beforeAll(() => {
  project = ProjectFixture.create();
  project.synth();
});
afterAll(() => project.remove());

beforeEach(async () => {
  project.clearPhases();
  fs.rmSync(path.join(project.dir, ".crdr"), { recursive: true, force: true });
  synthesize(project.dir);
  sim = new SimServer({ token: TOKEN, delays: FAST });
  sim.model.addPairFromManifest(project.stack().pair);
  const url = await sim.start();
  terraform = new RecordingTerraform(project.stack().workingDirectory, ALL);
  client = new AivenClient({ baseUrl: url, token: TOKEN, backoffMs: 10, timeoutMs: 500 });
});
afterEach(() => sim.stop());

const depsFor = (io: CommandIo): OperationDeps => ({
  projectDir: project.dir,
  env: { ...process.env, AIVEN_TOKEN: TOKEN },
  client,
  reporter: io.reporter,
  terraform: terraform.factory(),
});

/** Runs `operation` as `npm run <operation> -- --json` would, and renders the summary of what it printed. */
async function summarize(
  dispatch: Dispatch & { operation: OperationName },
  body: (deps: OperationDeps) => Promise<unknown>,
): Promise<{ stream: OperationStream; summary: string }> {
  const stream = await captureOperationStream(async (io) => {
    await body(depsFor(io));
  });
  const run = foldOperationRun(parseOperationEvents(stream.ndjson), dispatch);
  return {
    stream,
    summary: operationSummary({
      dispatch,
      run,
      exitCode: stream.exitCode,
      stderrTail: stream.stderr,
      runUrl: "https://github.example/acme/crdr/actions/runs/42",
    }),
  };
}

const rows = (summary: string, header: string) => {
  const lines = summary.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`| ${header}`));
  const body: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i].startsWith("|"); i++)
    body.push(lines[i].slice(2, -2).split(" | "));
  return body;
};
const ganttTasks = (summary: string) => {
  const gantt = /```mermaid\ngantt\n([\s\S]*?)```/.exec(summary)![1];
  return gantt
    .split("\n")
    .map((l) => /^ {2}(.+?) :(done|crit), (\d+), (\d+)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ label: m[1], tag: m[2], start: Number(m[3]), end: Number(m[4]) }));
};

describe("the job summary of a DR operation, from its real --json output", () => {
  const dispatch = { operation: "failover", stack: STACK, dryRun: false } as const;

  it("a finished failover: the result, roles before and after, every timed step, the figures and the next step", async () => {
    const { stream, summary } = await summarize(dispatch, (deps) => failover(failoverOptions, deps));
    expect(stream.exitCode).toBe(0);
    const timeline = parseOperationEvents(stream.ndjson).events.find((e) => e.type === "done")!.timeline as Timeline;

    expect(summary).toMatch(/^## ✅ failover of stack `pg-primary`: done\n/);
    expect(rows(summary, "peer")).toEqual([
      ["primary", "pg-primary", "RUNNING/active", "POWEROFF/failed"],
      ["recovery", "pg-primary-dr", "RUNNING/passive", "RUNNING/active"],
    ]);
    const steps = rows(summary, "step");
    expect(steps.map((r) => r[0])).toEqual(timeline.steps.map((s) => s.step));
    expect(steps.map((r) => r[0])).toEqual([
      "resolve",
      "preflight",
      "replication",
      "request",
      "wait",
      "reconcile",
      "record",
      "resynth",
    ]);
    expect(steps.find((r) => r[0] === "request")![1]).toBe(
      'PUT /v1/project/crdr-test/service/pg-primary {"disaster_recovery_role":"failed"}',
    );
    expect(summary).toMatch(
      /\*\*Recovery-time figures:\*\* to trigger (\d+(ms|s|m))+, Aiven (\d+(ms|s|m))+, reconcile (\d+(ms|s|m))+, record and synth (\d+(ms|s|m))+ \(total (\d+(ms|s|m))+\)/,
    );
    expect(summary).toContain(
      "- Once the region is back, revert with: dispatch **DR operation** with operation `revert`, stack `pg-primary` (a dry run first).",
    );
    // The simulator's own standby hosts resolve nowhere: the figure is unknown, and said so.
    expect(summary).toMatch(
      /\*\*Standby before the change:\*\* pg-primary-dr: replication unknown \(dr-pg-primary-dr-crdr-test\.sim\.local:5432 could not be read \(.*ENOTFOUND.*\)\)/,
    );
    expect(summary).toContain("plan with `-refresh=false`");
    expect(summary).toContain("pg-primary is failed over: pg-primary-dr is active.");
    // After a finished run, the next step closes the summary.
    expect(summary.indexOf("### Next step")).toBeGreaterThan(summary.indexOf("```mermaid"));
  });

  it("draws the timeline as a Mermaid gantt: trigger, takeover, reconcile, synth, each bar where the operation timed it", async () => {
    const { stream, summary } = await summarize(dispatch, (deps) => failover(failoverOptions, deps));
    const timeline = parseOperationEvents(stream.ndjson).events.find((e) => e.type === "done")!.timeline as Timeline;
    expect(summary).toMatch(
      /### Timeline\n\n```mermaid\ngantt\n {2}title failover of pg-primary\n {2}dateFormat x\n {2}axisFormat %H:%M:%S\n {2}section pg-primary\n/,
    );
    const tasks = ganttTasks(summary);
    expect(tasks.map((t) => t.label)).toEqual([
      "resolve the stack",
      "read both peers and preflight",
      "measure the standby",
      "trigger",
      "takeover at Aiven",
      "reconcile state",
      "record the phase",
      "synth",
    ]);
    expect(tasks.every((t) => t.tag === "done")).toBe(true);
    timeline.steps.forEach((s, i) => {
      expect(tasks[i].start).toBe(Date.parse(s.startedAt));
      expect(tasks[i].end).toBe(Date.parse(s.startedAt) + Math.max(1, s.durationMs));
    });
    // The bars follow one another: each starts where the one before ended.
    for (let i = 1; i < tasks.length; i++)
      expect(tasks[i].start).toBe(tasks[i - 1].start + timeline.steps[i - 1].durationMs);
  });

  it("a revert that times out: says so, where each peer stands, the step it stopped in, and to dispatch the same operation again", async () => {
    await captureOperationStream(async (io) => {
      await failover(failoverOptions, depsFor(io));
    });
    sim.model.delays = { ...FAST, rebuildMs: 60_000 };
    const { stream, summary } = await summarize({ operation: "revert", stack: STACK, dryRun: false }, (deps) =>
      revert({ ...common, timeoutMs: 300 }, deps),
    );
    expect(stream.exitCode).toBe(3);
    expect(summary).toMatch(
      /^## ⏱️ revert of stack `pg-primary`: timed out \(exit 3\)\n\n> Aiven has begun recreating pg-primary as a passive copy of pg-primary-dr\. Timed out after/,
    );
    const peers = rows(summary, "peer");
    expect(summary).toMatch(
      /\| peer \| service \| before \| where it stands \(read \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\) \|/,
    );
    expect(peers[0]).toEqual(["primary", "pg-primary", "POWEROFF/failed", expect.stringMatching(/^REBUILDING\//)]);
    expect(peers[1]).toEqual(["recovery", "pg-primary-dr", "RUNNING/active", "RUNNING/active"]);
    const steps = rows(summary, "step");
    expect(steps[steps.length - 1][0]).toBe("**wait** (stopped here)");
    expect(steps[steps.length - 1][1]).toBe("until pg-primary has rebuilt: RUNNING/passive");
    const tasks = ganttTasks(summary);
    expect(tasks[tasks.length - 1]).toMatchObject({ label: "takeover at Aiven", tag: "crit" });
    expect(summary).toContain(
      "**To resume:** dispatch the DR operation workflow again with the same inputs (operation `revert`, stack `pg-primary`, dry-run **off**). The rerun reads Aiven first, waits for the change already under way, and finishes the rest; it never sends a role change twice.",
    );
    expect(summary).not.toContain("Recovery-time figures");
    // What to do comes before the detail.
    expect(summary.indexOf("### Next step")).toBeLessThan(summary.indexOf("| peer |"));
  });

  it("a failover whose state lock is taken after the trigger: unfinished, Aiven changed, and how to finish", async () => {
    sim.model.delays = { ...FAST, failoverMs: 300 };
    const lockLater = setInterval(() => {
      if (sim.apiCalls("PUT").length) terraform.lockHeldBy = "bob@ci";
    }, 5);
    const { stream, summary } = await summarize(dispatch, (deps) => failover(failoverOptions, deps)).finally(() =>
      clearInterval(lockLater),
    );
    expect(stream.exitCode).toBe(6);
    expect(summary).toMatch(
      /^## ⚠️ failover of stack `pg-primary`: unfinished \(exit 6\): Aiven changed, a later step failed\n\n> Aiven has failed pg-primary over to pg-primary-dr, but Terraform state was not updated: The Terraform state is locked, held by bob@ci/,
    );
    const steps = rows(summary, "step");
    expect(steps[steps.length - 1][0]).toBe("**reconcile** (stopped here)");
    expect(rows(summary, "peer").map((r) => r[3])).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    expect(summary).toContain(
      "**To finish:** fix the cause named above, then dispatch the DR operation workflow again with the same inputs (operation `failover`, stack `pg-primary`, dry-run **off**)",
    );
  });

  it("a refused switchover: nothing was changed, and nothing to resume", async () => {
    await captureOperationStream(async (io) => {
      await failover(failoverOptions, depsFor(io));
    });
    const { stream, summary } = await summarize({ operation: "switchover", stack: STACK, dryRun: false }, (deps) =>
      plannedSwitch("switchover", common, deps),
    );
    expect(stream.exitCode).toBe(2);
    expect(summary).toMatch(
      /^## 🛑 switchover of stack `pg-primary`: refused \(exit 2\), nothing was changed\n\n> Stack "pg-primary": switchover is not allowed while the pair is "failed-over"/,
    );
    expect(summary).toContain("Nothing was sent to Aiven. Fix what the message above says, then dispatch again.");
    expect(rows(summary, "peer").map((r) => r[2])).toEqual(["not read", "not read"]);
    expect(summary).not.toContain("To resume");
  });

  it("a dry run: nothing changed, the roles unchanged, and how to run it for real", async () => {
    const { stream, summary } = await summarize({ ...dispatch, dryRun: true }, (deps) =>
      failover({ ...failoverOptions, dryRun: true }, deps),
    );
    expect(stream.exitCode).toBe(0);
    expect(summary).toMatch(/^## 🧪 dry run of failover of stack `pg-primary`: dry run, nothing was changed\n/);
    expect(rows(summary, "peer").map((r) => r[3])).toEqual(["unchanged (dry run)", "unchanged (dry run)"]);
    expect(summary).toContain(
      "To run it, dispatch **DR operation** with operation `failover`, stack `pg-primary`, dry-run **off**",
    );
    expect(summary).not.toContain("Recovery-time figures");
    expect(sim.apiCalls("PUT")).toEqual([]);
  });

  it("a bug: the stack trace in the summary, and to check the pair before running again", async () => {
    const broken = (deps: OperationDeps): OperationDeps => ({
      ...deps,
      terraform: () => {
        throw new TypeError("cannot read properties of undefined (reading 'cwd')");
      },
    });
    const { stream, summary } = await summarize(dispatch, (deps) => failover(failoverOptions, broken(deps)));
    expect(stream.exitCode).toBe(1);
    expect(summary).toMatch(/^## 💥 failover of stack `pg-primary`: failed with a bug \(exit 1\)\n/);
    expect(summary).toMatch(
      /### Error output\n\n```text\nTypeError: cannot read properties of undefined \(reading 'cwd'\)\n {4}at /,
    );
    expect(summary).toContain("check the pair (dispatch **DR operation** with operation `status`, stack `pg-primary`)");
    expect(sim.apiCalls("PUT")).toEqual([]);
  });
});

describe("the job summary of a region run, from its real --json output", () => {
  const FLEET = { CRDR_BENCH_PAIRS: "2" };
  const PAIRS = ["bench-pg-0", "bench-pg-1"];
  let fleet: ProjectFixture;
  let fleetSim: SimServer;

  beforeAll(async () => {
    fleet = ProjectFixture.create("bench/fleet-app.js");
    synthesize(fleet.dir, { ...process.env, ...FLEET });
  });
  afterAll(() => fleet.remove());

  it("one section per pair, each with its own result; the pair that was refused says why, and the gantt has a section per pair", async () => {
    fleetSim = new SimServer({ token: TOKEN, delays: FAST });
    for (const name of PAIRS) fleetSim.model.addPairFromManifest(fleet.stack(name).pair);
    // bench-pg-1's recovery is still copying: failing over to it is refused.
    fleetSim.model.addService({
      project: "crdr-bench",
      name: "bench-pg-1-dr",
      plan: "startup-4",
      cloud: "google-europe-north1",
      state: "REBUILDING",
      role: "passive",
    });
    const url = await fleetSim.start();
    try {
      const recorders = new Map(
        PAIRS.map((name) => [
          fleet.stack(name).workingDirectory,
          new RecordingTerraform(fleet.stack(name).workingDirectory, ALL),
        ]),
      );
      const stream = await captureOperationStream(async (io) => {
        const deps: OperationDeps = {
          projectDir: fleet.dir,
          env: { ...process.env, ...FLEET, AIVEN_TOKEN: TOKEN },
          client: new AivenClient({ baseUrl: url, token: TOKEN, backoffMs: 10, timeoutMs: 500 }),
          reporter: io.reporter,
          terraform: (o) => recorders.get(o.cwd)!,
        };
        const outcomes = await regionRun(
          "failover",
          { region: "google-europe-west1", parallel: 2, dryRun: false, yes: true, pollIntervalMs: 20 },
          deps,
          (stack, pairDeps) => failover({ ...failoverOptions, stack }, pairDeps),
        );
        return Math.max(0, ...outcomes.map((o) => o.exitCode));
      });
      expect(stream.exitCode).toBe(2);
      const dispatch = { operation: "failover", region: "google-europe-west1", dryRun: false } as const;
      const summary = operationSummary({
        dispatch,
        run: foldOperationRun(parseOperationEvents(stream.ndjson), dispatch),
        exitCode: stream.exitCode,
      });

      expect(summary).toMatch(
        /^## 🛑 failover of region `google-europe-west1`: refused \(exit 2\), nothing was changed\n/,
      );
      expect(summary).toContain("### bench-pg-0\n\n✅ done\n");
      expect(summary).toMatch(
        /### bench-pg-1\n\n🛑 refused \(exit 2\), nothing was changed: The recovery service bench-pg-1-dr is REBUILDING, not RUNNING/,
      );
      const section = (name: string) =>
        summary.slice(summary.indexOf(`### ${name}`), summary.indexOf("###", summary.indexOf(`### ${name}`) + 4));
      expect(rows(section("bench-pg-0"), "peer").map((r) => r[3])).toEqual(["POWEROFF/failed", "RUNNING/active"]);
      expect(rows(section("bench-pg-1"), "peer").map((r) => r.slice(2))).toEqual([
        ["RUNNING/active", "RUNNING/active"],
        ["REBUILDING/passive", "REBUILDING/passive"],
      ]);
      expect(summary).toMatch(/ {2}section bench-pg-0\n(?: {2}.+ :done, \d+, \d+\n)+ {2}section bench-pg-1\n/);
      expect(summary).toContain(
        "The tool's own summary:\n\n```text\n1 of 2 pair(s) failed over away from google-europe-west1.",
      );
    } finally {
      await fleetSim.stop();
    }
  });
});

describe("the phase-file pull request's body", () => {
  it("holds the whole summary, and stays under GitHub's limit for a region run over hundreds of pairs by listing one line per pair", async () => {
    const stream = await captureOperationStream(async (io) => {
      await failover(failoverOptions, depsFor(io));
    });
    const dispatch = { operation: "failover", stack: STACK, dryRun: false } as const;
    const run = foldOperationRun(parseOperationEvents(stream.ndjson), dispatch);
    const small = phasePullRequest({ dispatch, run, exitCode: 0, phaseFile: "crdr-phases/pg-primary.json" });
    expect(small.body.startsWith(PULL_REQUEST_MARKER)).toBe(true);
    expect(small.body).toContain("```mermaid");

    // The same pair's run, as if a region run had done it for 400 pairs.
    const region = { operation: "failover", region: "google-europe-west1", dryRun: false } as const;
    const fleet = {
      ...run,
      pairs: Array.from({ length: 400 }, (_, i) => ({
        ...run.pairs[0],
        stack: `pg-${i}`,
        exitCode: i === 7 ? 3 : 0,
        error: i === 7 ? "Timed out after 30m waiting for the takeover" : undefined,
      })),
    };
    expect(operationSummary({ dispatch: region, run: fleet, exitCode: 3 }).length).toBeGreaterThan(
      PULL_REQUEST_BODY_LIMIT,
    );
    const large = phasePullRequest({
      dispatch: region,
      run: fleet,
      exitCode: 3,
      phaseFile: "crdr-phases/",
      runUrl: "https://github.example/acme/crdr/actions/runs/42",
    });
    expect(large.body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_LIMIT);
    expect(large.body).toContain("### ⏱️ failover of region `google-europe-west1`: timed out (exit 3)");
    expect(large.body).toContain("- pg-0: ✅ done\n");
    expect(large.body).toContain("- pg-7: ⏱️ timed out (exit 3): Timed out after 30m waiting for the takeover\n");
    expect(large.body).toContain("- … and 200 more pair(s)");
    expect(large.body).toContain(
      "Each pair's roles, steps and timeline are in the [workflow run](https://github.example/acme/crdr/actions/runs/42)'s summary.",
    );
    expect(large.body).toContain(
      "**To resume:** dispatch the DR operation workflow again with the same inputs (operation `failover`, region `google-europe-west1`, dry-run **off**).",
    );
    expect(large.body).not.toContain("```mermaid");
  });
});
