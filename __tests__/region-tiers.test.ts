import { AivenClient } from "../lib/aiven/aiven-client";
import { parseOperationEvents } from "../lib/ci/operation-events";
import { foldOperationRun } from "../lib/ci/operation-run";
import { operationSummary } from "../lib/ci/operation-summary";
import { failover } from "../lib/operations/failover";
import { CommonOptions, OperationDeps } from "../lib/operations/operation-inputs";
import { regionRun } from "../lib/operations/region-run";
import { Reporter } from "../lib/reporting/reporter";
import { SimServer } from "../lib/simulator/sim-server";
import { synthesize } from "../lib/synth/synthesize";
import { captureOperationStream } from "./support/operation-stream";
import { ProjectFixture } from "./support/project-fixture";
import { RecordingTerraform } from "./support/recording-terraform";

/**
 * A region run over pairs of two tiers, in this process, against the
 * simulator enforcing Aiven's rate limit (Terraform recorded). The race is
 * controlled: one tier-1 pair is held in its preflight until every tier-2
 * pair has reached its request step, so a tier-2 pair that did not wait for
 * its turn would send first.
 */
const TOKEN = "tok-tiers-41a9";
const WEST = "google-europe-west1";
// bench-pg-0, 2, 4 are tier 2; bench-pg-1, 3, 5 tier 1: by name, a tier-2 pair comes first.
const FLEET = { CRDR_BENCH_PAIRS: "6", CRDR_BENCH_PRIMARY_CLOUDS: WEST, CRDR_BENCH_TIERS: "2,1" };
const TIER_1 = ["bench-pg-1", "bench-pg-3", "bench-pg-5"];
const TIER_2 = ["bench-pg-0", "bench-pg-2", "bench-pg-4"];
const HELD = "bench-pg-5";
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];
const TRANSITION_MS = 150;

/** Holds `stateList` (part of every preflight) until released. */
class HeldTerraform extends RecordingTerraform {
  constructor(
    cwd: string,
    private readonly held: Promise<void>,
  ) {
    super(cwd, ALL);
  }
  // The preflight's first reads of state: whichever it makes first is held.
  override async stateList(): Promise<string[]> {
    await this.held;
    return super.stateList();
  }
  override async statePull(): Promise<string> {
    await this.held;
    return super.statePull();
  }
}

/** Passes every event on, telling `onStep` which pair reached which step. */
function watchingSteps(inner: Reporter, onStep: (stack: string, step: string) => void): Reporter {
  return {
    step: (name, detail) => {
      const stack = /^\[([^\]]+)\] /.exec(detail)?.[1];
      if (stack) onStep(stack, name);
      inner.step(name, detail);
    },
    info: (m, d) => inner.info(m, d),
    warn: (m, d) => inner.warn(m, d),
    progress: (m, d) => inner.progress(m, d),
    command: (m, d) => inner.command(m, d),
    done: (m, d) => inner.done(m, d),
  };
}

let project: ProjectFixture;
let sim: SimServer;

beforeEach(async () => {
  project = ProjectFixture.create("bench/fleet-app.js");
  synthesize(project.dir, { ...process.env, ...FLEET });
  sim = new SimServer({
    token: TOKEN,
    rateLimit: { limit: 120, windowMs: 60_000 },
    delays: {
      failoverMs: TRANSITION_MS,
      rebuildMs: TRANSITION_MS,
      rebalanceMs: TRANSITION_MS,
      switchoverMs: TRANSITION_MS,
      roleLagMs: 50,
    },
  });
  for (const name of [...TIER_1, ...TIER_2]) sim.model.addPairFromManifest(project.stack(name).pair);
});

afterEach(async () => {
  await sim.stop();
  project.remove();
});

describe("a region run over pairs of two tiers", () => {
  it("sends every tier-1 role change before any tier-2 one, and gives each pair's recovery time in the done event and the job summary", async () => {
    const url = await sim.start();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Released once every tier-2 pair is at its request step: waiting for its turn, or (were there no order) sending.
    const atRequest = new Set<string>();
    const onStep = (stack: string, step: string) => {
      if (TIER_2.includes(stack) && (step === "turn" || step === "request")) atRequest.add(stack);
      if (atRequest.size === TIER_2.length) release();
    };
    const terraform = new Map(
      [...TIER_1, ...TIER_2].map((name) => {
        const cwd = project.stack(name).workingDirectory;
        return [cwd, name === HELD ? new HeldTerraform(cwd, held) : new RecordingTerraform(cwd, ALL)];
      }),
    );
    const common: CommonOptions = {
      stack: "",
      dryRun: false,
      yes: true,
      timeoutMs: 20_000,
      pollIntervalMs: 20,
      lostAnswerGraceMs: 500,
    };

    const stream = await captureOperationStream(async (io) => {
      const deps: OperationDeps = {
        projectDir: project.dir,
        env: { ...process.env, ...FLEET, AIVEN_TOKEN: TOKEN },
        client: new AivenClient({ baseUrl: url, token: TOKEN, backoffMs: 10, timeoutMs: 2000 }),
        reporter: watchingSteps(io.reporter, onStep),
        terraform: (o) => terraform.get(o.cwd)!,
      };
      const outcomes = await regionRun(
        "failover",
        { region: WEST, parallel: 6, dryRun: false, yes: true, pollIntervalMs: 20 },
        deps,
        (stack, pairDeps) =>
          failover({ ...common, stack, primaryUnreachable: false, stateOnly: false, force: false }, pairDeps),
      );
      return Math.max(0, ...outcomes.map((o) => o.exitCode));
    });
    expect(stream.stderr).toBe("");
    expect(stream.exitCode).toBe(0);

    // The simulator's log: every tier-1 PUT (any attempt) before any tier-2 PUT, one each, and no 429.
    const puts = sim.apiCalls("PUT").map((r) => r.path.split("/").pop()!);
    expect(puts).toHaveLength(6);
    expect(puts.slice(0, 3).sort()).toEqual(TIER_1);
    expect(puts.slice(3).sort()).toEqual(TIER_2);
    expect(sim.apiCalls().filter((r) => r.status === 429)).toEqual([]);

    const events = parseOperationEvents(stream.ndjson).events;
    // Every tier-2 pair waited for its turn, as its own step.
    for (const name of TIER_2)
      expect(events.some((e) => e.type === "step" && e.step === "turn" && e.message.startsWith(`[${name}] `))).toBe(
        true,
      );
    for (const name of TIER_1)
      expect(events.some((e) => e.type === "step" && e.step === "turn" && e.message.startsWith(`[${name}] `))).toBe(
        false,
      );

    const done = events.find((e) => e.type === "done")!;
    const outcomes = done.outcomes!;
    expect(outcomes.map((o) => [o.stack, o.tier, o.exitCode])).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => [`bench-pg-${i}`, i % 2 ? 1 : 2, 0]),
    );
    // Recovery takes at least Aiven's transition, counted from the run's start.
    for (const o of outcomes) expect(o.recoveryMs).toBeGreaterThanOrEqual(TRANSITION_MS);
    expect(done.message).toMatch(
      /\n {2}recovery time, tier 1, all by \d+(?:ms|s): bench-pg-1 \d+(?:ms|s), bench-pg-3 \d+(?:ms|s), bench-pg-5 \d+(?:ms|s)\n {2}recovery time, tier 2, all by /,
    );

    const dispatch = { operation: "failover", region: WEST, dryRun: false } as const;
    const summary = operationSummary({
      dispatch,
      run: foldOperationRun(parseOperationEvents(stream.ndjson), dispatch),
      exitCode: 0,
    });
    const section = summary.slice(summary.indexOf("### Recovery time"), summary.indexOf("### bench-pg-0"));
    const rows = section
      .split("\n")
      .filter((l) => /^\| \d /.test(l))
      .map((l) =>
        l
          .split("|")
          .map((c) => c.trim())
          .slice(1, -1),
      );
    expect(rows.map((r) => [r[0], r[1]])).toEqual([...TIER_1.map((s) => ["1", s]), ...TIER_2.map((s) => ["2", s])]);
    for (const r of rows) expect(r[2]).toMatch(/^\d+(?:ms|s)$/);
  });
});
