import * as fs from "fs";
import * as path from "path";
import { AivenClient } from "../lib/aiven/aiven-client";
import { failover } from "../lib/operations/failover";
import { Journal } from "../lib/operations/journal";
import { pairRecordFile } from "../lib/operations/operation-lock";
import { revert } from "../lib/operations/revert";
import { CommonOptions, OperationDeps } from "../lib/operations/operation-inputs";
import { CapturingReporter } from "../lib/reporting/capturing-reporter";
import { SimServer } from "../lib/simulator/sim-server";
import { killedAfterSending, RunKilled } from "./support/killed-run";
import { ProjectFixture, STACK } from "./support/project-fixture";
import { pairRoles } from "./support/in-process-pair";
import { RecordingTerraform } from "./support/recording-terraform";

/**
 * The role changes of a pair are recorded machine-wide, beside its lock:
 * a request one checkout's run sent and never resolved is seen by a rerun
 * from any other checkout on this machine, and requests Aiven never showed
 * are counted across reruns instead of being sent two more at a time.
 */
const TOKEN = "tok-pair-record-5c1e";
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];
const PRIMARY_PUT = "^/v1/project/crdr-test/service/pg-primary$";
let checkouts: ProjectFixture[];
let sim: SimServer;
let url: string;

const common: CommonOptions = {
  stack: STACK,
  dryRun: false,
  yes: true,
  timeoutMs: 20_000,
  pollIntervalMs: 20,
  lostAnswerGraceMs: 300,
};
const failoverOptions = { ...common, primaryUnreachable: false, stateOnly: false, force: false };
const puts = () =>
  sim
    .apiCalls("PUT")
    .map((p) => `${p.path.split("/").pop()} ${(p.body as { disaster_recovery_role: string }).disaster_recovery_role}`);
const roles = () => pairRoles(sim);

function depsFor(
  project: ProjectFixture,
  reporter = new CapturingReporter(),
  client?: AivenClient,
  inState = ALL,
): OperationDeps & { reporter: CapturingReporter } {
  return {
    projectDir: project.dir,
    env: { ...process.env, AIVEN_TOKEN: TOKEN },
    client: client ?? new AivenClient({ baseUrl: url, token: TOKEN, backoffMs: 10, timeoutMs: 1000 }),
    reporter,
    terraform: new RecordingTerraform(project.stack().workingDirectory, inState).factory(),
  };
}

beforeAll(() => {
  // Two checkouts of one project on one machine: same pair, separate journals and phase files.
  checkouts = [ProjectFixture.create(), ProjectFixture.create()];
  for (const checkout of checkouts) checkout.synth();
});
afterAll(() => checkouts.forEach((c) => c.remove()));

beforeEach(async () => {
  for (const checkout of checkouts) {
    checkout.clearPhases();
    fs.rmSync(path.join(checkout.dir, ".crdr"), { recursive: true, force: true });
  }
  for (const f of fs.readdirSync(process.env.CRDR_LOCK_DIR!))
    fs.rmSync(path.join(process.env.CRDR_LOCK_DIR!, f), { recursive: true, force: true });
  sim = new SimServer({
    token: TOKEN,
    delays: { failoverMs: 50, rebuildMs: 50, rebalanceMs: 50, switchoverMs: 50, roleLagMs: 30 },
  });
  sim.model.addPairFromManifest(checkouts[0].stack().pair);
  url = await sim.start();
});
afterEach(() => sim.stop());

describe("the machine-wide record of a pair's role changes", () => {
  it("a run killed after sending, rerun from another checkout on this machine, reads for the change instead of sending it again", async () => {
    // Aiven shows the change only after a while: a rerun that knew nothing would see the pair as before and send.
    sim.faults.add({ kind: "delayed-visibility", method: "PUT", path: PRIMARY_PUT, visibleAfterMs: 150, times: 1 });
    const first = depsFor(checkouts[0]);
    await expect(
      failover(failoverOptions, { ...first, client: killedAfterSending(first.client) }),
    ).rejects.toBeInstanceOf(RunKilled);
    expect(puts()).toEqual(["pg-primary failed"]);

    const other = depsFor(checkouts[1]);
    const result = await failover({ ...failoverOptions, lostAnswerGraceMs: 2000 }, other);
    expect(puts()).toEqual(["pg-primary failed"]);
    expect(result.triggered).toBe(false);
    expect(other.reporter.lines.join("\n")).toMatch(
      /asked Aiven for pg-primary → failed and never learned the outcome/,
    );
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    // The checkout's own journal keeps the history: the first checkout's has the intent, the other's the resolution.
    const events = (c: ProjectFixture) =>
      fs
        .readFileSync(path.join(c.dir, ".crdr/journal", `${STACK}.jsonl`), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).event);
    expect(events(checkouts[0])).toContain("role-intent");
    expect(events(checkouts[1])).not.toContain("role-intent");
    expect(events(checkouts[1])).toContain("role-applied");
  });

  it("a rerun after two requests Aiven never showed sends nothing more (exit 3, saying how many), and --resend sends once more", async () => {
    // Every request's answer is lost and nothing shows within the grace period (to the tool, as when Aiven lags behind it).
    sim.faults.add({ kind: "drop", method: "PUT", path: PRIMARY_PUT });
    await expect(failover(failoverOptions, depsFor(checkouts[0]))).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /no clear answer to .* twice, and each time .* a rerun sends nothing more unless you pass --resend\.$/,
      ),
    });
    expect(puts()).toEqual(["pg-primary failed", "pg-primary failed"]);

    // From either checkout: the count is the pair's on this machine.
    for (const checkout of checkouts) {
      await expect(failover(failoverOptions, depsFor(checkout))).rejects.toMatchObject({
        exitCode: 3,
        message: expect.stringMatching(
          /^Not sending PUT \/v1\/project\/crdr-test\/service\/pg-primary \{"disaster_recovery_role":"failed"\}: 2 requests for it were already sent \(by runs at .*\) and neither peer showed any sign of them for 300ms each; .*Nothing more was sent\. .*rerun with --resend/,
        ),
      });
    }
    expect(puts()).toHaveLength(2);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);

    sim.faults.clear();
    const resent = depsFor(checkouts[1]);
    await failover({ ...failoverOptions, resend: true }, resent);
    expect(puts()).toHaveLength(3);
    expect(resent.reporter.lines.join("\n")).toMatch(
      /2 requests for pg-primary → failed never showed at Aiven and nothing has changed since .*; --resend: sending it once more/,
    );
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("a run killed before its one request resolves leaves one send for the rerun, not two", async () => {
    sim.faults.add({ kind: "accept-and-ignore", method: "PUT", path: PRIMARY_PUT, times: 1 });
    const first = depsFor(checkouts[0]);
    await expect(
      failover(failoverOptions, { ...first, client: killedAfterSending(first.client) }),
    ).rejects.toBeInstanceOf(RunKilled);
    // The rerun finds the first request lapsed (nothing moved for the grace), sends once, and this one is lost for good.
    sim.faults.add({ kind: "drop", method: "PUT", path: PRIMARY_PUT });
    await expect(failover(failoverOptions, depsFor(checkouts[1]))).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /no clear answer to .*, the second request for it \(an earlier run sent the first\), and again neither peer showed any change/,
      ),
    });
    expect(puts()).toEqual(["pg-primary failed", "pg-primary failed"]);
  });

  it("--resend in a revert sends its unanswered takeover once more, not judged by the recreation Aiven did act on (found by the fault campaign)", async () => {
    const checkout = checkouts[0];
    sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" });
    await new Promise((r) => setTimeout(r, 150));
    checkout.writePhases({ [STACK]: { phase: "failed-over", primary: "frozen", operation: "failover" } });
    checkout.synth();
    const failedOver = ALL.filter((a) => !a.includes("integration"));
    const takeover = "^/v1/project/crdr-test/service/pg-primary$";
    sim.faults.add({ kind: "drop", method: "PUT", path: takeover, body: '"disaster_recovery_role":"active"' });
    try {
      await expect(revert(common, depsFor(checkout, undefined, undefined, failedOver))).rejects.toMatchObject({
        exitCode: 3,
      });
      await expect(revert(common, depsFor(checkout, undefined, undefined, failedOver))).rejects.toMatchObject({
        exitCode: 3,
        message: expect.stringMatching(/Not sending .*"active"\}: 2 requests for it were already sent/),
      });
      sim.faults.clear();
      await revert({ ...common, resend: true }, depsFor(checkout, undefined, undefined, failedOver));
      expect(puts()).toEqual(["pg-primary passive", "pg-primary active", "pg-primary active", "pg-primary active"]);
      expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    } finally {
      checkout.clearPhases();
      checkout.synth();
    }
  });

  it("a change Aiven accepted but does not show yet is not sent again from another checkout (found by a red-team run)", async () => {
    // Aiven answers 200 and acts only much later: the first run stops, saying nothing has changed since.
    sim.faults.add({ kind: "delayed-visibility", method: "PUT", path: PRIMARY_PUT, visibleAfterMs: 20_000, times: 1 });
    await expect(failover(failoverOptions, depsFor(checkouts[0]))).rejects.toMatchObject({ exitCode: 3 });
    expect(puts()).toEqual(["pg-primary failed"]);
    // The other checkout's journal is empty; the pair record says Aiven took it.
    for (let rerun = 0; rerun < 2; rerun++) {
      const other = depsFor(checkouts[1]);
      await expect(failover(failoverOptions, other)).rejects.toMatchObject({
        exitCode: 3,
        message: expect.stringMatching(/accepted .* but nothing has changed since/),
      });
    }
    expect(puts()).toEqual(["pg-primary failed"]);
  });

  it("a request refused with 409 after an unresolved one counts against the limit: reruns send nothing more (found by a red-team run)", async () => {
    // The first answer is lost (a gateway's 5xx) and Aiven shows the change only much later; the
    // second request is refused with 409 because the first is under way.
    sim.faults.add({
      kind: "delayed-visibility",
      method: "PUT",
      path: PRIMARY_PUT,
      visibleAfterMs: 20_000,
      answer: "gateway",
      times: 1,
    });
    await expect(failover(failoverOptions, depsFor(checkouts[0]))).rejects.toMatchObject({ exitCode: 3 });
    expect(puts()).toEqual(["pg-primary failed", "pg-primary failed"]);
    for (const checkout of [checkouts[0], checkouts[1], checkouts[0]]) {
      await expect(failover(failoverOptions, depsFor(checkout))).rejects.toMatchObject({
        exitCode: 3,
        message: expect.stringMatching(/^Not sending .*: 2 requests for it were already sent/),
      });
    }
    expect(puts()).toHaveLength(2);
  });

  it("--resend sends one request, not two, when its answer is lost too (found by a red-team run)", async () => {
    sim.faults.add({ kind: "drop", method: "PUT", path: PRIMARY_PUT });
    await expect(failover(failoverOptions, depsFor(checkouts[0]))).rejects.toMatchObject({ exitCode: 3 });
    expect(puts()).toHaveLength(2);
    await expect(failover({ ...failoverOptions, resend: true }, depsFor(checkouts[1]))).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(/resent with --resend, and neither peer showed any change/),
    });
    expect(puts()).toHaveLength(3);
    await expect(failover(failoverOptions, depsFor(checkouts[0]))).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(/^Not sending .*: 1 request for it was already sent/),
    });
    expect(puts()).toHaveLength(3);
  });

  it("a checkout's old open intent, settled by a run from another checkout, does not come back in its next run (found by a red-team run)", async () => {
    const first = depsFor(checkouts[0]);
    await expect(
      failover(failoverOptions, { ...first, client: killedAfterSending(first.client) }),
    ).rejects.toBeInstanceOf(RunKilled);
    const record = pairRecordFile(process.env.CRDR_LOCK_DIR!, { project: "crdr-test", primaryService: "pg-primary" });
    const checkoutJournal = () => new Journal(checkouts[0].dir, STACK, "failover", "-", false, record);
    expect(checkoutJournal().openIntent()).toMatchObject({ side: "primary", role: "failed" });
    // The other checkout resolves it (Aiven applied it) and completes.
    await failover(failoverOptions, depsFor(checkouts[1]));
    expect(puts()).toEqual(["pg-primary failed"]);
    // The first checkout's journal still ends with its intent, but the pair record settled it.
    const events = fs
      .readFileSync(checkoutJournal().file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).event);
    expect(events[events.length - 1]).toBe("role-intent");
    expect(checkoutJournal().openIntent()).toBeUndefined();
    expect(new Journal(checkouts[0].dir, STACK, "failover", "-", false).openIntent()).toMatchObject({ role: "failed" });
  });
});
