import { AivenClient } from "../lib/aiven/aiven-client";
import { parseOperationEvents } from "../lib/ci/operation-events";
import { failover } from "../lib/operations/failover";
import { CommonOptions, OperationDeps } from "../lib/operations/operation-context";
import { TierOrder } from "../lib/operations/tier-order";
import { CapturingReporter } from "../lib/reporting/capturing-reporter";
import { FaultSpec } from "../lib/simulator/sim-faults";
import { SimServer } from "../lib/simulator/sim-server";
import { captureOperationStream } from "./support/operation-stream";
import { inProcessPair, journalEvents, pairRoles } from "./support/in-process-pair";
import { killedAfterSending, RunKilled } from "./support/killed-run";
import { ProjectFixture, STACK } from "./support/project-fixture";
import { RecordingTerraform } from "./support/recording-terraform";
import { waitFor } from "./support/wait-for";

/**
 * The one role change of an operation, at each answer Aiven can give it: what
 * it sends, what it says, the exit code and what the journal keeps. In
 * process, against the simulator, Terraform recorded. The answers that
 * disagree with the pair (lost, late, 409 while moving) are in
 * role-change-disagreement.test.ts.
 */
const TOKEN = "tok-role-request-3f8b";
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];
const CALL = 'PUT /v1/project/crdr-test/service/pg-primary {"disaster_recovery_role":"failed"}';
let project: ProjectFixture;
let sim: SimServer;
let url: string;
let terraform: RecordingTerraform;
let reporter: CapturingReporter;
let deps: OperationDeps;

const options = {
  stack: STACK,
  dryRun: false,
  yes: true,
  timeoutMs: 20_000,
  pollIntervalMs: 20,
  lostAnswerGraceMs: 300,
  primaryUnreachable: false,
  stateOnly: false,
  force: false,
} satisfies CommonOptions & Record<string, unknown>;
const roles = () => pairRoles(sim);
const puts = () => sim.apiCalls("PUT").map((p) => `${p.path.split("/").pop()} ${p.status}`);
const journal = () => journalEvents(project);
const roleEvents = () => journal().filter((e) => String(e.event).startsWith("role-"));
const onPut = (fault: Omit<FaultSpec, "method" | "path">): FaultSpec => ({
  ...fault,
  method: "PUT",
  path: "^/v1/project/crdr-test/service/pg-primary$",
});

beforeAll(() => {
  project = ProjectFixture.create();
  project.synth();
});
afterAll(() => project.remove());

beforeEach(async () => {
  ({ sim, url, terraform, reporter, deps } = await inProcessPair(project, TOKEN));
});
afterEach(() => sim.stop());

describe("a role change Aiven takes", () => {
  it("is announced as the request step, sent once, and the acceptance said", async () => {
    await failover(options, deps);
    expect(reporter.lines).toContain(`request: ${CALL}`);
    expect(reporter.lines).toContain("Aiven accepted pg-primary → failed");
    expect(puts()).toEqual(["pg-primary 200"]);
    expect(roleEvents()).toMatchObject([
      { event: "role-intent", side: "primary", role: "failed", service: "pg-primary", attempt: 1 },
      { event: "role-applied", side: "primary", role: "failed", how: "answer" },
    ]);
    expect(roleEvents()[0].before).toEqual({
      primary: { reachable: true, state: "RUNNING", role: "active" },
      recovery: { reachable: true, state: "RUNNING", role: "passive" },
    });
  });

  it("of a pair in a later tier is sent only once the earlier tier's pairs have sent theirs", async () => {
    const order = new TierOrder([
      { stack: "earlier", tier: 1 },
      { stack: STACK, tier: 2 },
    ]);
    let finished = false;
    const run = failover(options, { ...deps, turn: order.turnFor(STACK, 2) });
    const settled = run.then(
      () => (finished = true),
      () => (finished = true),
    );
    const waiting = "turn: waiting for the pairs of earlier tiers to send their role changes first";
    await waitFor(() => finished || reporter.lines.includes(waiting));
    // Held at its turn: the request step not begun, nothing sent.
    expect(finished).toBe(false);
    expect(reporter.lines.at(-1)).toBe(waiting);
    expect(sim.apiCalls("PUT")).toEqual([]);
    order.turnFor("earlier", 1).roleChangesSent();
    await settled;
    await run;
    expect(reporter.lines.indexOf(`request: ${CALL}`)).toBeGreaterThan(reporter.lines.indexOf(waiting));
    expect(puts()).toEqual(["pg-primary 200"]);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("in a dry run is printed with the API's address and never sent", async () => {
    await failover({ ...options, dryRun: true }, deps);
    expect(reporter.lines).toContain(
      `$ PUT ${url}/v1/project/crdr-test/service/pg-primary {"disaster_recovery_role":"failed"}`,
    );
    expect(sim.apiCalls("PUT")).toEqual([]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
  });

  it("in a dry run with --json is a command event marked as a dry run", async () => {
    const stream = await captureOperationStream((io) =>
      failover({ ...options, dryRun: true }, { ...deps, reporter: io.reporter }).then(() => undefined),
    );
    expect(stream.exitCode).toBe(0);
    const puts = parseOperationEvents(stream.ndjson).events.filter(
      (e) => e.type === "command" && e.message.startsWith("PUT "),
    );
    expect(puts).toMatchObject([
      {
        message: `PUT ${url}/v1/project/crdr-test/service/pg-primary {"disaster_recovery_role":"failed"}`,
        dryRun: true,
      },
    ]);
    expect(sim.apiCalls("PUT")).toEqual([]);
  });
});

describe("a role change Aiven refuses", () => {
  it("with a 4xx while the pair stands still: exit 2, one request, nothing else done", async () => {
    sim.faults.add(onPut({ kind: "status", status: 400, times: 1 }));
    await expect(failover(options, deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^Aiven refused pg-primary → failed \(.*HTTP 400.*\); that request changed nothing, and nothing else was done\. Check the pair with npm run status before trying again\.$/,
      ),
    });
    expect(puts()).toEqual(["pg-primary 400"]);
    expect(roleEvents().map((e) => e.event)).toEqual(["role-intent", "role-refused"]);
    expect(roleEvents()[1]).toMatchObject({ side: "primary", role: "failed", status: 400 });
    expect(terraform.state).toEqual(ALL);
  });

  it.each([401, 403])("refusing the token (%i): exit 2, naming the project the token must manage", async (status) => {
    sim.faults.add(onPut({ kind: "status", status, times: 1 }));
    await expect(failover(options, deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        new RegExp(
          `^The Aiven API refused the token for ${escape(CALL)} \\(.*HTTP ${status}.*\\); set AIVEN_TOKEN to a token that can manage project "crdr-test"\\. Nothing was changed\\.$`,
        ),
      ),
    });
    expect(puts()).toEqual([`pg-primary ${status}`]);
  });

  it("with nothing listening by the time it is sent: exit 2, naming AIVEN_WEB_URL, nothing changed", async () => {
    // The API went away between the reads and the role change (the client still names the address it was given).
    const nowhere = new AivenClient({ baseUrl: "http://127.0.0.1:1", token: TOKEN, backoffMs: 10, timeoutMs: 1000 });
    const client = Object.create(deps.client) as AivenClient;
    client.updateService = (p, s, u) => nowhere.updateService(p, s, u);
    await expect(failover(options, { ...deps, client })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(new RegExp(`^The Aiven API at AIVEN_WEB_URL=${escape(url)} cannot be used \\(`)),
    });
    expect(roleEvents().map((e) => e.event)).toEqual(["role-intent", "role-refused"]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
  });

  describe("with 429s for longer than --timeout", () => {
    // The clock is the test's: only Date is faked, and each wait the run asks for moves it on at once.
    beforeEach(() =>
      jest.useFakeTimers({
        doNotFake: [
          "hrtime",
          "nextTick",
          "performance",
          "queueMicrotask",
          "setImmediate",
          "clearImmediate",
          "setInterval",
          "clearInterval",
          "setTimeout",
          "clearTimeout",
        ],
      }),
    );
    afterEach(() => jest.useRealTimers());

    it("waits as Aiven asks, then what is left of --timeout, then exit 2 saying how many, nothing changed", async () => {
      sim.faults.add(onPut({ kind: "rate-limit", retryAfterSeconds: 1 }));
      const waits: number[] = [];
      const sleep = async (ms: number) => {
        waits.push(ms);
        jest.setSystemTime(Date.now() + ms);
      };
      await expect(failover({ ...options, timeoutMs: 1500 }, { ...deps, sleep })).rejects.toMatchObject({
        exitCode: 2,
        message: `Aiven rate-limited ${CALL} 3 times in a row, for longer than --timeout, and never took it; nothing was changed. Something else may be spending the token's limit: find it, then rerun.`,
      });
      // 1 s as Aiven asked; then the 0.5 s left of --timeout; the third 429 comes at the limit.
      expect(waits).toEqual([1000, 500]);
      expect(puts()).toEqual(["pg-primary 429", "pg-primary 429", "pg-primary 429"]);
      const refusal = (n: number, wait: string) =>
        `! Aiven rate-limited the request (PUT /v1/project/crdr-test/service/pg-primary failed with HTTP 429: Rate limit 120 exceeded – try again in 1s); it was not taken (${n} refused so far). Waiting ${wait}, then checking the pair again before sending it`;
      expect(reporter.lines.filter((l) => l.startsWith("! Aiven rate-limited"))).toEqual([
        refusal(1, "1s"),
        refusal(2, "500ms"),
      ]);
      expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    });
  });
});

describe("a role change someone else makes meanwhile", () => {
  it("during a 429's wait: not sent again, said so, and the failover finishes on it", async () => {
    sim.faults.add(onPut({ kind: "rate-limit", retryAfterSeconds: 1, times: 1 }));
    let waited = false;
    const sleep = async (ms: number) => {
      // The wait after the 429: another operator fails the pair over meanwhile.
      if (!waited && sim.apiCalls("PUT").length === 1) {
        waited = true;
        sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" });
      }
      await new Promise((r) => setTimeout(r, Math.min(ms, 20)));
    };
    await failover(options, { ...deps, sleep });
    expect(waited).toBe(true);
    expect(puts()).toEqual(["pg-primary 429"]);
    expect(reporter.lines).toContainEqual(
      expect.stringMatching(
        /^not sent: pg-primary (is now failed|went from \S+ to \S+) already \(someone else made this change\)$/,
      ),
    );
    expect(roleEvents().at(-1)).toMatchObject({ event: "role-applied", how: "already" });
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("some other way, at the prompt: refused with nothing sent, naming what moved by the end of the grace", async () => {
    const confirm = async () => {
      sim.model.updateService("crdr-test", "pg-primary-dr", { disaster_recovery_role: "active" }); // a switchover
      return true;
    };
    await expect(failover({ ...options, yes: false }, { ...deps, confirm })).rejects.toMatchObject({
      exitCode: 2,
      message: `Not sending ${CALL}: the pair changed since it was read (pg-primary went from active to passive), so another operator or Aiven itself is acting on it; check it with npm run status, then rerun. Nothing was sent.`,
    });
    expect(sim.apiCalls("PUT")).toEqual([]);
    expect(roleEvents()).toEqual([]);
  });

  it.each([
    // The wait between reads: the poll interval, or what is left of the grace period (at least 50ms) if that is shorter.
    ["every poll interval", 20, [20, 20]],
    ["within the grace period when the poll interval is longer", 60_000, [50, 300]],
  ] as const)(
    "seen before its role shows at the prompt: read again %s until it does, then taken as this change",
    async (_name, pollIntervalMs, [least, most]) => {
      // Another operator's failover at the prompt, held at its first step (the primary REBALANCING, still active).
      sim.model.delays = { ...sim.model.delays, roleLagMs: 3_600_000 };
      const confirm = async () => {
        sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" });
        return true;
      };
      const slept: number[] = [];
      const sleep = async (ms: number) => {
        if (!reporter.lines.some((l) => l.startsWith("not sent:"))) {
          // The read right before sending saw the pair moving without the role: the transition ends while the run waits.
          slept.push(ms);
          expect(roles()).toEqual(["REBALANCING/active", "RUNNING/passive"]);
          for (const service of ["pg-primary", "pg-primary-dr"]) sim.model.finishTransition("crdr-test", service);
        }
        await new Promise((r) => setTimeout(r, Math.min(ms, 20)));
      };
      await failover({ ...options, pollIntervalMs, yes: false }, { ...deps, confirm, sleep });
      // One wait, before the read that saw the role.
      expect(slept).toHaveLength(1);
      expect(slept[0]).toBeGreaterThanOrEqual(least);
      expect(slept[0]).toBeLessThanOrEqual(most);
      expect(reporter.lines).toContain("not sent: pg-primary is now failed already (someone else made this change)");
      expect(roleEvents()).toMatchObject([{ event: "role-applied", how: "already", sign: "pg-primary is now failed" }]);
      expect(sim.apiCalls("PUT")).toEqual([]);
      expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    },
  );

  it("seen mid-transition before sending (the other peer not moved yet): taken as this change, not refused", async () => {
    // Another operator's failover, its recovery held in REBALANCING/passive until the test lets it go.
    sim.model.delays = { ...sim.model.delays, roleLagMs: 0, failoverMs: 3_600_000 };
    const confirm = async () => {
      sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" });
      return true;
    };
    const run = failover({ ...options, yes: false }, { ...deps, confirm });
    const finished = run.then(
      () => "done",
      (err: Error) => err.message,
    );
    await waitFor(() => reporter.lines.some((l) => l.startsWith("not sent:")));
    expect(roles()).toEqual(["POWEROFF/failed", "REBALANCING/passive"]);
    sim.model.finishTransition("crdr-test", "pg-primary-dr");
    expect(await finished).toBe("done");
    expect(reporter.lines).toContain("not sent: pg-primary is now failed already (someone else made this change)");
    expect(sim.apiCalls("PUT")).toEqual([]);
  });
});

describe("the same change made by someone else, seen before sending", () => {
  // Another operator's failover, done at once: the pair reads failed/active when the run reads it before sending.
  beforeEach(() => {
    sim.model.delays = { failoverMs: 0, rebuildMs: 0, rebalanceMs: 0, switchoverMs: 0, roleLagMs: 0 };
  });

  it.each([
    ["the other peer already at the role this change leaves it", false],
    ["the other peer unreadable at that moment", true],
  ])("with %s: taken as this change, not sent, and the failover finishes on it", async (_name, unreadable) => {
    const confirm = async () => {
      sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" });
      // One read of the recovery (a GET and its retries) fails: the read right before sending.
      if (unreadable) sim.faults.add({ kind: "unreadable", path: "service/pg-primary-dr$", times: 5 });
      return true;
    };
    await failover({ ...options, yes: false }, { ...deps, confirm });
    expect(reporter.lines).toContain("not sent: pg-primary is now failed already (someone else made this change)");
    expect(sim.apiCalls("PUT")).toEqual([]);
    expect(roleEvents()).toMatchObject([{ event: "role-applied", how: "already", sign: "pg-primary is now failed" }]);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });
});

describe("a rerun after a run killed with its request's outcome unknown", () => {
  async function killedAfterSendingOnce(): Promise<void> {
    await expect(failover(options, { ...deps, client: killedAfterSending(deps.client) })).rejects.toBeInstanceOf(
      RunKilled,
    );
    reporter.lines.length = 0;
  }

  it("reads the change as applied and does not send it again", async () => {
    await killedAfterSendingOnce();
    const result = await failover(options, deps);
    expect(result.triggered).toBe(false);
    expect(puts()).toEqual(["pg-primary 200"]);
    expect(reporter.lines).toContainEqual(
      expect.stringMatching(
        /^recall: a run at \S+ asked Aiven for pg-primary → failed and never learned the outcome; reading both peers \(up to 300ms\) instead of sending it again$/,
      ),
    );
    expect(reporter.lines).toContainEqual(
      expect.stringMatching(/^Aiven applied it \(pg-primary .+\); it will not be sent again$/),
    );
    expect(roleEvents().at(-1)).toMatchObject({ event: "role-applied", how: "read-back" });
    expect(roleEvents().at(-1)!.intentRunId).toBe(roleEvents()[0].runId);
  });

  it("is not read for in a dry run", async () => {
    await killedAfterSendingOnce();
    await failover({ ...options, dryRun: true }, deps);
    expect(reporter.lines.filter((l) => l.startsWith("recall:"))).toEqual([]);
    expect(roleEvents().map((e) => e.event)).toEqual(["role-intent"]);
  });

  it("with the peers unreadable through the grace period: exit 3, nothing sent", async () => {
    sim.faults.add(onPut({ kind: "accept-and-ignore", times: 1 }));
    await killedAfterSendingOnce();
    sim.faults.add({ kind: "unreadable", path: "pg-primary(-dr)?$" });
    await expect(failover(options, deps)).rejects.toMatchObject({
      exitCode: 3,
      message:
        "An earlier run asked Aiven for pg-primary → failed and the peers still do not show whether it was applied (pg-primary-dr: unreadable; pg-primary: unreadable); rerun when both can be read. Nothing was sent.",
    });
    expect(roleEvents().map((e) => e.event)).toEqual(["role-intent"]);
    expect(puts()).toEqual(["pg-primary 200"]);
  });

  it("that Aiven never acted on: taken as not applied, said so, and sent once", async () => {
    sim.faults.add(onPut({ kind: "accept-and-ignore", times: 1 }));
    await killedAfterSendingOnce();
    await failover(options, deps);
    expect(reporter.lines).toContain(
      "neither peer showed any sign of it for the whole grace: the earlier request is taken as not applied",
    );
    expect(puts()).toEqual(["pg-primary 200", "pg-primary 200"]);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    const lapsed = roleEvents().find((e) => e.event === "role-lapsed");
    expect(lapsed).toMatchObject({ side: "primary", role: "failed", intentRunId: roleEvents()[0].runId });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
