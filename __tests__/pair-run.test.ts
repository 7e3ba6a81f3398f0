import { AivenClient } from "../lib/aiven/aiven-client";
import { PairReader } from "../lib/aiven/pair-reader";
import { PairManifest } from "../lib/contract/pair-manifest";
import { Journal } from "../lib/operations/journal";
import { CommonOptions } from "../lib/operations/operation-inputs";
import { PairRun, pairRunOf } from "../lib/operations/pair-run";
import { RunSteps } from "../lib/operations/run-steps";
import { PairTurn, TierOrder } from "../lib/operations/tier-order";
import { TimelineRecorder } from "../lib/operations/timeline";
import { CapturingReporter } from "../lib/reporting/capturing-reporter";

const OPTIONS: CommonOptions = {
  stack: "orders",
  dryRun: false,
  yes: true,
  timeoutMs: 1000,
  pollIntervalMs: 10,
  lostAnswerGraceMs: 100,
};

interface Setup {
  readonly options?: Partial<CommonOptions>;
  readonly turn?: PairTurn;
  /** Another run took the pair's lock over. */
  readonly lostLock?: boolean;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A PairRun on real steps and timeline; the Aiven side is never reached by these specifications. */
function pairRun(setup: Setup = {}) {
  const reporter = new CapturingReporter();
  const timeline = new TimelineRecorder("resolve");
  const lock = {
    assertHeld: () => {
      if (setup.lostLock) throw new Error("another run took the lock over");
    },
  };
  const run: PairRun = pairRunOf({
    operation: "failover",
    options: { ...OPTIONS, ...setup.options },
    pair: {} as PairManifest,
    journal: {} as Journal,
    client: {} as AivenClient,
    peers: {} as PairReader,
    reporter,
    steps: new RunSteps(timeline, reporter, lock),
    turn: setup.turn,
    sleep: setup.sleep,
  });
  return { run, reporter, timeline, stepsTimed: () => timeline.finish().steps.map((s) => s.step) };
}

describe("a PairRun: the run as role requests and waits see it", () => {
  it("names the command that finishes the operation", () => {
    expect(pairRun().run.rerunCommand).toBe("npm run failover -- --stack orders");
  });

  it("starts a step by printing and timing it", () => {
    const { run, reporter, stepsTimed } = pairRun();
    run.step("request", "PUT …");
    expect(reporter.lines).toEqual(["request: PUT …"]);
    expect(stepsTimed()).toEqual(["resolve", "request"]);
  });

  it("starts no step, and sends nothing, once another run took its lock over", () => {
    const { run, reporter, stepsTimed } = pairRun({ lostLock: true });
    expect(() => run.step("request", "PUT …")).toThrow("another run took the lock over");
    expect(() => run.assertStillLocked()).toThrow("another run took the lock over");
    expect(reporter.lines).toEqual([]);
    expect(stepsTimed()).toEqual(["resolve"]);
  });

  it("keeps the trigger and measurements on the run's timeline", () => {
    const { run, timeline } = pairRun();
    run.measured("replication", { lagMs: 5 });
    run.triggered();
    const finished = timeline.finish();
    expect(finished.measured).toEqual({ replication: { lagMs: 5 } });
    expect(finished.figures.toTrigger).toBeGreaterThanOrEqual(0);
  });

  it("a single pair (no tiers) sends without a turn step", async () => {
    const { run, reporter } = pairRun();
    await run.awaitRoleChangeTurn();
    expect(reporter.lines).toEqual([]);
  });

  it("a pair of a later tier waits, in a step of its own, until the earlier tier has sent", async () => {
    const order = new TierOrder([
      { stack: "first", tier: 1 },
      { stack: "orders", tier: 2 },
    ]);
    const { run, reporter, stepsTimed } = pairRun({ turn: order.turnFor("orders", 2) });
    let through = false;
    const waiting = run.awaitRoleChangeTurn().then(() => (through = true));
    await Promise.resolve();
    expect(through).toBe(false);
    expect(reporter.lines).toEqual(["turn: waiting for the pairs of earlier tiers to send their role changes first"]);
    order.turnFor("first", 1).roleChangesSent();
    await waiting;
    expect(through).toBe(true);
    expect(stepsTimed()).toEqual(["resolve", "turn"]);
  });

  it("a dry run never waits for its turn", async () => {
    const order = new TierOrder([
      { stack: "first", tier: 1 },
      { stack: "orders", tier: 2 },
    ]);
    const { run, reporter } = pairRun({ options: { dryRun: true }, turn: order.turnFor("orders", 2) });
    await run.awaitRoleChangeTurn();
    expect(reporter.lines).toEqual([]);
  });

  it("sleeps with the sleep it is given", async () => {
    const slept: number[] = [];
    const { run } = pairRun({ sleep: async (ms) => void slept.push(ms) });
    await run.sleep(250);
    expect(slept).toEqual([250]);
  });
});
