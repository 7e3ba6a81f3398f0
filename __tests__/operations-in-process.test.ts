import * as fs from "fs";
import { AivenClient } from "../lib/aiven/aiven-client";
import { failover } from "../lib/operations/failover";
import { CommonOptions, OperationDeps } from "../lib/operations/operation-inputs";
import { plannedSwitch } from "../lib/operations/planned-switch";
import { revert } from "../lib/operations/revert";
import { CapturingReporter } from "../lib/reporting/capturing-reporter";
import { SimServer } from "../lib/simulator/sim-server";
import { Timeline } from "../lib/operations/timeline";
import { UserError } from "../lib/user-error";
import { ProjectFixture, STACK } from "./support/project-fixture";
import { RecordingTerraform } from "./support/recording-terraform";
import { inProcessPair, pairRoles } from "./support/in-process-pair";

/**
 * The operations run in this process against the simulator, with Terraform
 * recorded instead of run: the middle layer between the unit tests and the
 * end-to-end tests (which run the compiled scripts and the real binary).
 */
const TOKEN = "tok-in-process-0b9e";
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];
let project: ProjectFixture;
let sim: SimServer;
let terraform: RecordingTerraform;
let reporter: CapturingReporter;
let deps: OperationDeps;

const common: CommonOptions = {
  stack: STACK,
  dryRun: false,
  yes: true,
  timeoutMs: 10_000,
  pollIntervalMs: 20,
  lostAnswerGraceMs: 300,
};
const failoverOptions = { ...common, primaryUnreachable: false, stateOnly: false, force: false };
const roles = () => pairRoles(sim);
const putBodies = () =>
  sim
    .apiCalls("PUT")
    .map((p) => `${p.path.split("/").pop()} ${(p.body as { disaster_recovery_role: string }).disaster_recovery_role}`);

beforeAll(() => {
  project = ProjectFixture.create();
  project.synth();
});
afterAll(() => project.remove());

beforeEach(async () => {
  ({ sim, terraform, reporter, deps } = await inProcessPair(project, TOKEN, { deps: { clientTimeoutMs: 500 } }));
});
afterEach(() => sim.stop());

describe("operations in process", () => {
  it("failover: proves Terraform can finish before the one PUT, then forgets the link and records the phase", async () => {
    const result = await failover(failoverOptions, deps);
    expect(result).toMatchObject({
      triggered: true,
      removedFromState: ["aiven_service_integration.disaster_recovery"],
      primary: "frozen",
    });
    expect(putBodies()).toEqual(["pg-primary failed"]);
    // The lock check (dry run of state rm) comes before the trigger; the real state rm after it.
    expect(terraform.calls).toEqual([
      "version",
      "init",
      "state pull",
      "state rm -dry-run aiven_service_integration.disaster_recovery",
      "state pull",
      "state rm aiven_service_integration.disaster_recovery",
    ]);
    expect(terraform.state).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    expect(project.phases()[STACK]).toMatchObject({ phase: "failed-over", primary: "frozen", operation: "failover" });
  });

  it("failover: a held state lock refuses before anything is sent", async () => {
    terraform.lockHeldBy = "alice@laptop";
    await expect(failover(failoverOptions, deps)).rejects.toThrow(
      new UserError("The Terraform state is locked, held by alice@laptop"),
    );
    expect(sim.apiCalls("PUT")).toEqual([]);
    expect(terraform.state).toEqual(ALL);
  });

  it("failover: a state lock taken after the trigger is an unfinished failover that names what happened", async () => {
    // Bob takes the state lock the moment Aiven has answered the role change.
    const client = deps.client;
    const lockedOnAnswer = Object.assign(Object.create(client) as AivenClient, {
      updateService: async (...args: Parameters<AivenClient["updateService"]>) => {
        const answer = await client.updateService(...args);
        terraform.lockHeldBy = "bob@ci";
        return answer;
      },
    });
    const run = failover(failoverOptions, { ...deps, client: lockedOnAnswer });
    await expect(run).rejects.toMatchObject({
      exitCode: 6,
      message: expect.stringMatching(
        /^Aiven has failed pg-primary over to pg-primary-dr, but Terraform state was not updated: The Terraform state is locked, held by bob@ci/,
      ),
    });
    terraform.lockHeldBy = undefined;
    await failover(failoverOptions, deps);
    expect(putBodies()).toEqual(["pg-primary failed"]);
    expect(terraform.state).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
  });

  it("revert: recreates, takes over, and records the integration Aiven kept as an import", async () => {
    await failover(failoverOptions, deps);
    const result = await revert(common, deps);
    expect(putBodies()).toEqual(["pg-primary failed", "pg-primary passive", "pg-primary active"]);
    expect(result.pendingImports).toEqual([
      { address: "aiven_service_integration.disaster_recovery", id: expect.stringMatching(/^crdr-test\//) },
    ]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
  });

  it.each([false, true])(
    "switchover and switchback keep the link whether or not Aiven swaps its ends (swap: %s)",
    async (swap) => {
      sim.model.behaviour = { ...sim.model.behaviour, swapLinkOnTakeover: swap };
      await plannedSwitch("switchover", common, deps);
      expect(roles()).toEqual(["RUNNING/passive", "RUNNING/active"]);
      await plannedSwitch("switchback", common, deps);
      expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
      expect(putBodies()).toEqual(["pg-primary-dr active", "pg-primary active"]);
      expect(project.phases()[STACK]).toMatchObject({ phase: "normal", operation: "switchback" });
      expect(terraform.calls.filter((c) => c.startsWith("state rm"))).toEqual([]);
    },
  );

  it("keeps since and runId when a rerun finishes what an earlier run of the same operation began", async () => {
    await plannedSwitch("switchover", common, deps);
    const first = project.phases()[STACK];
    await plannedSwitch("switchover", common, deps);
    expect(project.phases()[STACK]).toEqual(first);
    expect(putBodies()).toEqual(["pg-primary-dr active"]);
  });

  it("times each step: the done event and the journal carry the timeline, its figures ordered and summing to the run", async () => {
    sim.model.delays = { ...sim.model.delays, failoverMs: 200 };
    await failover(failoverOptions, deps);
    const timeline = reporter.lastDone?.timeline as Timeline;
    expect(timeline.steps.map((s) => s.step)).toEqual([
      "resolve",
      "preflight",
      "replication",
      "request",
      "wait",
      "reconcile",
      "record",
      "resynth",
    ]);
    const starts = timeline.steps.map((s) => Date.parse(s.startedAt));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    const sum = timeline.steps.reduce((t, s) => t + s.durationMs, 0);
    expect(sum).toBe(timeline.totalMs);
    const { toTrigger, atAiven, reconcile, record } = timeline.figures;
    const duration = (step: string) => timeline.steps.find((s) => s.step === step)!.durationMs;
    // Each step holds its own API calls (the simulator's clock is this process's): the PUT inside the
    // request, the polls that watched the promotion inside the wait.
    const during = (step: string) => {
      const { startedAt, durationMs } = timeline.steps.find((s) => s.step === step)!;
      const start = Date.parse(startedAt);
      return (c: ReturnType<SimServer["apiCalls"]>[number]) =>
        sim.arrivedAt(c) >= start && sim.arrivedAt(c) <= start + durationMs;
    };
    expect(sim.apiCalls("PUT").filter(during("request"))).toHaveLength(1);
    expect(sim.apiCalls("GET").filter(during("wait")).length).toBeGreaterThan(0);
    expect(atAiven).toBeGreaterThanOrEqual(duration("wait"));
    // The figures split the run at the trigger and the end of the wait: together they are the whole run.
    const throughWait = timeline.steps.slice(0, timeline.steps.findIndex((s) => s.step === "wait") + 1);
    expect(toTrigger! + atAiven!).toBe(throughWait.reduce((t, s) => t + s.durationMs, 0));
    expect(reconcile).toBe(duration("reconcile"));
    expect(record).toBe(duration("record") + duration("resynth"));
    expect(toTrigger! + atAiven! + reconcile! + record!).toBe(timeline.totalMs);
    const journal = fs
      .readFileSync(`${project.dir}/.crdr/journal/${STACK}.jsonl`, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(
      journal.find((e) => e.event === "timeline" && e.runId === journal[journal.length - 2].runId)?.timeline,
    ).toEqual(timeline);
    expect(reporter.lines.join("\n")).toMatch(
      /Timeline: to trigger [\dhms]+, Aiven [\dhms]+, reconcile [\dhms]+, record and synth [\dhms]+ \(total [\dhms]+\)/,
    );
  });

  it("reads the pair again right before sending: a change made at the prompt by someone else is not sent again", async () => {
    const confirm = async () => {
      sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" }); // a colleague, meanwhile
      return true;
    };
    const result = await failover({ ...failoverOptions, yes: false }, { ...deps, confirm });
    expect(sim.apiCalls("PUT")).toEqual([]);
    expect(reporter.lines.join("\n")).toMatch(
      /not sent: pg-primary is now failed already \(someone else made this change\)/,
    );
    expect(result.removedFromState).toEqual(["aiven_service_integration.disaster_recovery"]);
  });

  it("refuses to send when the pair moved some other way while the engineer was confirming", async () => {
    const confirm = async () => {
      sim.model.updateService("crdr-test", "pg-primary-dr", { disaster_recovery_role: "active" }); // a switchover, meanwhile
      return true;
    };
    await expect(failover({ ...failoverOptions, yes: false }, { ...deps, confirm })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^Not sending PUT \/v1\/project\/crdr-test\/service\/pg-primary \{"disaster_recovery_role":"failed"\}: the pair changed since it was read \(pg-primary went from active to passive\)/,
      ),
    });
    expect(sim.apiCalls("PUT")).toEqual([]);
    expect(terraform.state).toEqual(ALL);
  });

  it("waits out 429s on a role change without spending its one resend, then sends it once", async () => {
    sim.faults.add({ kind: "rate-limit", method: "PUT", retryAfterSeconds: 1, times: 2 });
    await plannedSwitch("switchover", common, deps);
    expect(sim.apiCalls("PUT").map((p) => p.status)).toEqual([429, 429, 200]);
    expect(roles()).toEqual(["RUNNING/passive", "RUNNING/active"]);
  });

  it("waits through unreadable answers while Aiven completes a change it accepted", async () => {
    sim.model.delays = { ...sim.model.delays, switchoverMs: 300 };
    // The twelve reads after the role change's PUT come garbled, however fast or slow the machine.
    sim.faults.add({ kind: "garble", method: "GET", times: 12, after: { method: "PUT" } });
    await plannedSwitch("switchover", { ...common, pollIntervalMs: 50 }, deps);
    expect(sim.apiCalls("GET").filter((g) => g.status === 200).length).toBeGreaterThan(12);
    expect(reporter.lines.join("\n")).toMatch(/not Aiven's JSON/);
    expect(roles()).toEqual(["RUNNING/passive", "RUNNING/active"]);
  });
});
