import * as fs from "fs";
import * as path from "path";
import { AivenClient } from "../lib/aiven/aiven-client";
import { failover } from "../lib/operations/failover";
import { CommonOptions, OperationDeps } from "../lib/operations/operation-inputs";
import { plannedSwitch } from "../lib/operations/planned-switch";
import { CapturingReporter } from "../lib/reporting/capturing-reporter";
import { FaultSpec } from "../lib/simulator/sim-faults";
import { SimServer } from "../lib/simulator/sim-server";
import { ProjectFixture, STACK } from "./support/project-fixture";
import { RecordingTerraform } from "./support/recording-terraform";
import { waitFor } from "./support/wait-for";
import { inProcessPair, journalEvents, pairRoles } from "./support/in-process-pair";

/**
 * The role change when Aiven and the network disagree with what was sent:
 * accepted changes that show late or never, peers nobody can read, 409s
 * while the pair moves. In process, against the simulator, Terraform
 * recorded (the end-to-end files run the binaries).
 */
const TOKEN = "tok-disagree-7d21";
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];
const PRIMARY_PUT = "^/v1/project/crdr-test/service/pg-primary$";
let project: ProjectFixture;
let sim: SimServer;
let terraform: RecordingTerraform;
let reporter: CapturingReporter;
let deps: OperationDeps;

const common: CommonOptions = {
  stack: STACK,
  dryRun: false,
  yes: true,
  timeoutMs: 20_000,
  pollIntervalMs: 20,
  lostAnswerGraceMs: 300,
};
const failoverOptions = { ...common, primaryUnreachable: false, stateOnly: false, force: false };
const roles = () => pairRoles(sim);
const puts = () =>
  sim
    .apiCalls("PUT")
    .map(
      (p) =>
        `${p.path.split("/").pop()} ${(p.body as { disaster_recovery_role: string }).disaster_recovery_role} ${p.status}`,
    );
const journal = () => journalEvents(project);
/** The journal's role events (intent, outcomes), in order. */
const roleJournal = () => journal().filter((e) => String(e.event).startsWith("role-"));
const output = () => reporter.lines.join("\n");
const onPrimaryPut = (fault: Omit<FaultSpec, "method" | "path">): FaultSpec => ({
  ...fault,
  method: "PUT",
  path: PRIMARY_PUT,
});

beforeAll(() => {
  project = ProjectFixture.create();
  project.synth();
});
afterAll(() => project.remove());

beforeEach(async () => {
  ({ sim, terraform, reporter, deps } = await inProcessPair(project, TOKEN));
});
afterEach(() => sim.stop());

describe("a role change whose answer is lost", () => {
  it("ends with exit 3 and sends nothing more when the peers cannot be read through the whole grace period", async () => {
    sim.faults.add(onPrimaryPut({ kind: "apply-then-drop", times: 1 }));
    sim.faults.add({ kind: "unreadable", after: { method: "PUT" }, forMs: 60_000 });
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /^The answer to PUT \/v1\/project\/crdr-test\/service\/pg-primary \{"disaster_recovery_role":"failed"\} was lost .* and for 300ms the peers did not show whether Aiven applied it \(pg-primary-dr: unreadable; pg-primary: unreadable\)\. Rerun the same command/,
      ),
    });
    expect(puts()).toEqual(["pg-primary failed dropped"]);
    expect(journal().map((e) => e.event)).not.toContain("role-lapsed");
    expect(terraform.state).toEqual(ALL);
  });

  it("ends with exit 3 and sends nothing more when one peer reads as before but the other cannot be read through the grace period", async () => {
    sim.faults.add(onPrimaryPut({ kind: "delayed-visibility", visibleAfterMs: 60_000, answer: "drop", times: 1 }));
    sim.faults.add({ kind: "unreadable", path: "pg-primary-dr$", after: { method: "PUT" }, forMs: 60_000 });
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /for 300ms the peers did not show whether Aiven applied it \(pg-primary-dr: unreadable; pg-primary: RUNNING\/active\)/,
      ),
    });
    expect(puts()).toEqual(["pg-primary failed dropped"]);
  });

  it("is never sent again when the change shows after a while shorter than the grace period", async () => {
    sim.faults.add(onPrimaryPut({ kind: "delayed-visibility", visibleAfterMs: 400, answer: "drop", times: 1 }));
    await failover({ ...failoverOptions, lostAnswerGraceMs: 10_000 }, deps);
    expect(puts()).toEqual(["pg-primary failed dropped"]);
    expect(output()).toMatch(
      /Aiven applied it although the answer was lost \(pg-primary (went from RUNNING to REBALANCING|is now failed)\); not sending it again/,
    );
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    expect(terraform.state).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    // The journal says how the change was learned, with the sign the run saw: a rerun trusts it.
    const roleEvents = roleJournal();
    expect(roleEvents.map((e) => e.event)).toEqual(["role-intent", "role-ambiguous", "role-applied"]);
    expect(roleEvents[2]).toMatchObject({ side: "primary", role: "failed", how: "read-back" });
    expect(output()).toContain(
      `Aiven applied it although the answer was lost (${roleEvents[2].sign}); not sending it again`,
    );
  });

  it("is never sent again when a stale read path hides the change for less than the grace period", async () => {
    sim.faults.add(onPrimaryPut({ kind: "apply-then-drop", times: 1 }));
    sim.faults.add({ kind: "stale-reads", method: "GET", staleMs: 60_000, after: { method: "PUT" }, forMs: 500 });
    await failover({ ...failoverOptions, lostAnswerGraceMs: 10_000 }, deps);
    expect(puts()).toEqual(["pg-primary failed dropped"]);
    expect(output()).toMatch(/Aiven applied it although the answer was lost \(.+\); not sending it again/);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("is never sent again when the reads are answered slowly: a read asked within the grace period and answered after it does not end it (found by the fault campaign, seed 749417671)", async () => {
    // Applied, shown from 250ms on; each read after the PUT is answered 400ms after it is asked.
    sim.faults.add(onPrimaryPut({ kind: "delayed-visibility", visibleAfterMs: 250, answer: "drop", times: 1 }));
    sim.faults.add({ kind: "slow", method: "GET", delayMs: 400, after: { method: "PUT" } });
    await failover(failoverOptions, deps);
    expect(puts()).toEqual(["pg-primary failed dropped"]);
    expect(output()).toMatch(/Aiven applied it although the answer was lost \(.+\); not sending it again/);
    expect(output()).not.toMatch(/sending it once more/);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("is not taken as applied from one 404 on the changed peer: the next read finds it as before, and it is sent once more (found by a red-team run)", async () => {
    sim.faults.add(onPrimaryPut({ kind: "drop", times: 1 }));
    sim.faults.add({
      kind: "unreadable",
      status: 404,
      path: "service/pg-primary$",
      after: { method: "PUT" },
      times: 1,
    });
    await failover(failoverOptions, deps);
    expect(output()).not.toMatch(/Aiven applied it although the answer was lost/);
    expect(puts()).toEqual(["pg-primary failed dropped", "pg-primary failed 200"]);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("is sent once more when the change shows only after the grace period; a rerun then finishes without sending", async () => {
    sim.faults.add(onPrimaryPut({ kind: "delayed-visibility", visibleAfterMs: 5_000, answer: "drop", times: 1 }));
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /^Aiven refused PUT .* \(PUT .* failed with HTTP 409: .*transition is in progress.*\) after an earlier request of this run or another run; that earlier request may still have been applied\. Rerun the same command/,
      ),
    });
    expect(output()).toMatch(
      /after 300ms neither peer shows any sign of the change, so Aiven did not apply it; sending it once more \(the second and last time\)/,
    );
    expect(puts()).toEqual(["pg-primary failed dropped", "pg-primary failed 409"]);
    expect(output()).toMatch(
      /^! Aiven refused PUT \S+ \S+ \(.*HTTP 409.*\) while a first request's outcome is unknown; reading both peers for up to 300ms$/m,
    );

    await waitFor(() => roles().join() === "POWEROFF/failed,RUNNING/active");
    await failover(failoverOptions, deps);
    expect(puts()).toHaveLength(2);
    expect(terraform.state).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
  });
});

describe("a second request, after a first whose answer was lost and that never showed", () => {
  // The first request may still be applied late: whatever refuses the second, the run cannot say nothing changed.
  it.each([
    ["the API gone", "unreachable"],
    ["the token refused", "401"],
  ] as const)("refused with %s: exit 3, the earlier request named as maybe applied", async (_name, refusal) => {
    sim.faults.add(onPrimaryPut({ kind: "drop", times: 1 }));
    let client = deps.client;
    if (refusal === "401") sim.faults.add(onPrimaryPut({ kind: "status", status: 401, times: 1 }));
    else {
      // Nothing listens where the second request goes (the client still names the address it was given).
      const nowhere = new AivenClient({ baseUrl: "http://127.0.0.1:1", token: TOKEN, backoffMs: 10, timeoutMs: 1000 });
      client = Object.create(deps.client) as AivenClient;
      client.updateService = (p, s, u) => (sim.apiCalls("PUT").length ? nowhere : deps.client).updateService(p, s, u);
    }
    await expect(failover(failoverOptions, { ...deps, client })).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /^Aiven refused PUT \/v1\/project\/crdr-test\/service\/pg-primary \{"disaster_recovery_role":"failed"\} \(.+\) after an earlier request of this run or another run; that earlier request may still have been applied\. Rerun the same command/,
      ),
    });
    expect(puts()).toEqual(["pg-primary failed dropped", ...(refusal === "401" ? ["pg-primary failed 401"] : [])]);
    // Both requests counted as unresolved, so a rerun sends nothing more until it knows.
    expect(
      journal()
        .map((e) => e.event)
        .filter((e) => e.startsWith("role-")),
    ).toEqual(["role-intent", "role-ambiguous", "role-lapsed", "role-intent", "role-refused", "role-lapsed"]);
    expect(journal().filter((e) => e.event === "role-lapsed")).toMatchObject([
      { side: "primary", role: "failed" },
      { side: "primary", role: "failed" },
    ]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
  });

  it("is not sent when the run lost its lock during the grace period", async () => {
    sim.faults.add(onPrimaryPut({ kind: "drop", times: 1 }));
    const holder = path.join(process.env.CRDR_LOCK_DIR!, "crdr-test.pg-primary.holder.json");
    const sleep = async (ms: number) => {
      // While the first request's outcome is read for, someone removes the lock's note: another run may start.
      if (sim.apiCalls("PUT").length === 1) fs.rmSync(holder, { force: true });
      await new Promise((r) => setTimeout(r, Math.min(ms, 20)));
    };
    try {
      await expect(failover(failoverOptions, { ...deps, sleep })).rejects.toMatchObject({
        message: expect.stringMatching(
          /^This run's lock on pg-primary \(.+\) was deleted while it ran, so another run may have started; nothing more was sent\./,
        ),
      });
      expect(puts()).toEqual(["pg-primary failed dropped"]);
    } finally {
      // The run leaves a lock it no longer knows to be its own; the next test's run takes a fresh one.
      fs.rmSync(`${holder.slice(0, -".holder.json".length)}.lock`, { recursive: true, force: true });
    }
  });
});

describe("the time to trigger, in the run's timeline", () => {
  const figures = () => journal().find((e) => e.event === "timeline")?.timeline.figures;

  it.each([
    ["Aiven answers", undefined],
    ["the answer is lost and the change read back", "apply-then-drop"],
    ["Aiven answers 409 and the change is read back", "conflict-while-moving"],
  ] as const)("is measured when %s", async (_name, kind) => {
    if (kind) sim.faults.add(onPrimaryPut({ kind, times: 1 }));
    await failover(failoverOptions, deps);
    expect(figures()).toMatchObject({ toTrigger: expect.any(Number) });
    expect(output()).toMatch(/^  Timeline: to trigger \d/m);
  });

  it("is measured when someone else made the change before it was sent", async () => {
    sim.model.delays = { failoverMs: 0, rebuildMs: 0, rebalanceMs: 0, switchoverMs: 0, roleLagMs: 0 };
    const confirm = async () => {
      sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" });
      return true;
    };
    await failover({ ...failoverOptions, yes: false }, { ...deps, confirm });
    expect(sim.apiCalls("PUT")).toEqual([]);
    expect(figures()).toMatchObject({ toTrigger: expect.any(Number) });
  });
});

describe("a lost answer with the primary's region down", () => {
  it("is sent once more when the recovery shows nothing for the grace period (the unreadable primary proves nothing)", async () => {
    sim.faults.add({ kind: "unreadable", path: "service/pg-primary$" });
    sim.faults.add(onPrimaryPut({ kind: "drop", times: 1 }));
    await failover({ ...failoverOptions, primaryUnreachable: true }, deps);
    expect(puts()).toEqual(["pg-primary failed dropped", "pg-primary failed 200"]);
    expect(output()).toMatch(
      /after 300ms neither peer shows any sign of the change, so Aiven did not apply it; sending it once more \(the second and last time\)/,
    );
    expect(journal().map((e) => e.event)).toContain("role-lapsed");
  });
});

describe("a peer that settles back to RUNNING during the grace period", () => {
  it("leaves a lost answer's outcome unknown: exit 3, nothing sent again, no lapse journaled", async () => {
    // The recovery still REBUILDING its copy (held: it would take an hour), and a failover --force.
    const [link] = sim.model.listIntegrations("crdr-test", "pg-primary-dr");
    sim.model.deleteIntegration("crdr-test", link.service_integration_id);
    sim.model.delays = { ...sim.model.delays, rebuildMs: 3_600_000 };
    sim.model.createIntegration("crdr-test", {
      integration_type: "disaster_recovery",
      source_service: "pg-primary",
      dest_service: "pg-primary-dr",
    });
    expect(roles()).toEqual(["RUNNING/active", "REBUILDING/passive"]);
    // The PUT is lost before Aiven sees it; the rebuild ends as the first read after it arrives.
    sim.faults.add(onPrimaryPut({ kind: "drop", times: 1 }));
    sim.faults.add({ kind: "transition-ends", method: "GET", path: "pg-primary-dr$", after: { method: "PUT" } });
    await expect(failover({ ...failoverOptions, force: true }, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /^The answer to PUT \/v1\/project\/crdr-test\/service\/pg-primary \{"disaster_recovery_role":"failed"\} was lost .* and for 300ms the peers did not show whether Aiven applied it \(pg-primary-dr: RUNNING\/passive; pg-primary: RUNNING\/active\)\. Rerun the same command: it reads both peers first and sends nothing until it knows\.$/,
      ),
    });
    expect(puts()).toEqual(["pg-primary failed dropped"]);
    expect(output()).toMatch(
      /^! no clear answer to PUT \/v1\/project\/crdr-test\/service\/pg-primary \{"disaster_recovery_role":"failed"\} \(.+\): Aiven may have applied it\. Reading both peers for up to 300ms instead of sending it again$/m,
    );
    expect(journal().filter((e) => e.event === "role-ambiguous")).toMatchObject([
      { side: "primary", role: "failed", error: expect.stringMatching(/pg-primary/) },
    ]);
    expect(journal().map((e) => e.event)).not.toContain("role-lapsed");
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    expect(terraform.state).toEqual(ALL);
  });
});

describe("a refusal other than a 409 while the pair moves", () => {
  it("is read back when the pair shows this very change under way: not a refusal that changed nothing", async () => {
    // Another operator's identical failover reaches Aiven a moment before this run's request, which Aiven refuses (400).
    const client = Object.create(deps.client) as AivenClient;
    client.updateService = (p, s, u) => {
      sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" });
      return deps.client.updateService(p, s, u);
    };
    sim.faults.add(onPrimaryPut({ kind: "status", status: 400, times: 1 }));
    await failover(failoverOptions, { ...deps, client });
    expect(puts()).toEqual(["pg-primary failed 400"]);
    expect(output()).toMatch(
      /^! Aiven refused PUT \S+ \S+ \(.*HTTP 400.*\) while pg-primary (is now failed|went from \S+ to \S+); reading both peers for up to 300ms$/m,
    );
    expect(output()).toMatch(/^the change is under way at Aiven \(pg-primary .+\); not sending it again$/m);
    expect(output()).not.toMatch(/changed nothing/);
    expect(roleJournal().map((e) => `${e.event} ${e.status ?? e.how ?? ""}`.trim())).toEqual([
      "role-intent",
      "role-refused 400",
      "role-applied read-back",
    ]);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    expect(terraform.state).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
  });
});

describe("a 409 while the pair moves", () => {
  it.each([
    ["failover", () => failover(failoverOptions, deps), "pg-primary failed 409", ["POWEROFF/failed", "RUNNING/active"]],
    [
      "switchover",
      () => plannedSwitch("switchover", common, deps),
      "pg-primary-dr active 409",
      ["RUNNING/passive", "RUNNING/active"],
    ],
  ] as const)(
    "%s: is resolved by reading both peers, not reported as a refusal that changed nothing",
    async (_name, run, put, end) => {
      sim.faults.add({ kind: "conflict-while-moving", method: "PUT", times: 1 });
      await run();
      expect(puts()).toEqual([put]);
      expect(output()).toMatch(/the change is under way at Aiven \(.+\); not sending it again/);
      expect(output()).toMatch(
        /^! Aiven refused PUT \S+ \S+ \(.*HTTP 409.*\) while pg-primary\S* (is now|went from) .+; reading both peers for up to 300ms$/m,
      );
      expect(output()).not.toMatch(/changed nothing/);
      expect(roles()).toEqual(end);
      expect(journal().filter((e) => e.event === "role-applied")).toMatchObject([{ how: "read-back" }]);
    },
  );

  it("is read back through the grace period when a stale read path first shows the pair still, and never sent again (found by the fault campaign, seed 745947044)", async () => {
    // The 409's transition started, but for a while every read answers what it answered 150ms before.
    sim.faults.add({ kind: "stale-reads", method: "GET", staleMs: 150, forMs: 1_300, after: { method: "PUT" } });
    sim.faults.add({ kind: "conflict-while-moving", method: "PUT", times: 1 });
    await plannedSwitch("switchover", common, deps);
    expect(puts()).toEqual(["pg-primary-dr active 409"]);
    expect(output()).toMatch(
      /^! Aiven refused PUT \S+ \S+ \(.*HTTP 409.*\), which it answers while a transition is under way \(perhaps this very one\); reading both peers for up to 300ms$/m,
    );
    expect(output()).toMatch(/the change is under way at Aiven \(.+\); not sending it again/);
    expect(output()).not.toMatch(/changed nothing/);
    expect(roles()).toEqual(["RUNNING/passive", "RUNNING/active"]);
    const roleEvents = roleJournal();
    expect(roleEvents.map((e) => e.event)).toEqual(["role-intent", "role-applied"]);
    expect(roleEvents[1]).toMatchObject({ side: "recovery", role: "active", how: "read-back" });
  });

  it("while the pair stands still through the grace period: exit 2, taken as not applied and counted, so reruns send it once more at most", async () => {
    sim.faults.add(onPrimaryPut({ kind: "status", status: 409 }));
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^Aiven refused pg-primary → failed \(.*HTTP 409.*\), and neither peer showed any sign of it for 300ms: it is taken as not applied, and nothing else was done\. Check the pair with npm run status before trying again; a rerun sends it at most once more\.$/,
      ),
    });
    expect(puts()).toEqual(["pg-primary failed 409"]);
    // Reads after the 409 span the grace period.
    const putAt = sim.requests.findIndex((r) => r.method === "PUT");
    expect(sim.requests.slice(putAt + 1).filter((r) => r.method === "GET").length).toBeGreaterThan(2);
    expect(roleJournal()).toMatchObject([
      { event: "role-intent" },
      { event: "role-lapsed", side: "primary", role: "failed" },
    ]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    expect(terraform.state).toEqual(ALL);
    // Aiven keeps answering 409: one more request, then none (a read path lagging past the grace could hide them all).
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({ exitCode: 3 });
    for (let rerun = 0; rerun < 2; rerun++) {
      await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
        exitCode: 3,
        message: expect.stringMatching(/^Not sending .*: 2 requests for it were already sent/),
      });
    }
    expect(puts()).toEqual(["pg-primary failed 409", "pg-primary failed 409"]);
  });

  it("with the primary unreadable after it and the pair still: exit 3, counted, and a rerun sends it once more (the intent does not hold the failover up)", async () => {
    sim.faults.add(onPrimaryPut({ kind: "status", status: 409, times: 1 }));
    sim.faults.add({ kind: "unreadable", path: "service/pg-primary$", after: { method: "PUT" }, forMs: 60_000 });
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /^Aiven refused PUT \S+ \S+ \(.*HTTP 409.*\), and for 300ms the peers did not show whether this change is under way \(pg-primary-dr: RUNNING\/passive; pg-primary: unreadable\)\. Rerun the same command: it reads both peers first, sends nothing if they show this change, and sends it at most once more\.$/,
      ),
    });
    expect(roleJournal().map((e) => e.event)).toEqual(["role-intent", "role-lapsed"]);
    sim.faults.clear();
    await failover(failoverOptions, deps);
    expect(puts()).toEqual(["pg-primary failed 409", "pg-primary failed 200"]);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("caused by another operator's different change is not taken for this one: exit 2, nothing claimed (found by a red-team run)", async () => {
    // Someone else's switchover reaches Aiven just before this failover's request, which Aiven refuses.
    // Its peers show REBALANCING for 150ms before any role moves: as any change starts.
    sim.model.delays = { ...sim.model.delays, roleLagMs: 150 };
    const client = deps.client!;
    const send = client.updateService.bind(client);
    client.updateService = async (project, service, update) => {
      sim.model.updateService("crdr-test", "pg-primary-dr", { disaster_recovery_role: "active" });
      return send(project, service, update);
    };
    sim.faults.add(onPrimaryPut({ kind: "status", status: 409, times: 1 }));
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^Aiven refused pg-primary → failed \(.*HTTP 409.*\) while another change is under way at Aiven, not this one \(pg-primary went from active to passive, where this change leaves it failed\): that request is taken as not applied, and nothing else was done\./,
      ),
    });
    expect(output()).not.toMatch(/under way at Aiven \(.*\); not sending it again/);
    expect(journal().map((e) => e.event)).not.toContain("role-applied");
    expect(puts()).toEqual(["pg-primary failed 409"]);
    await waitFor(() => roles().join() === "RUNNING/passive,RUNNING/active");
    expect(terraform.state).toEqual(ALL);
  });

  it("with the peers unreadable through the grace period: exit 3, counted, and a rerun that finds the change under way sends nothing", async () => {
    sim.faults.add(onPrimaryPut({ kind: "conflict-while-moving", times: 1 }));
    sim.faults.add({ kind: "unreadable", after: { method: "PUT" }, forMs: 60_000 });
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /^Aiven refused PUT \/v1\/project\/crdr-test\/service\/pg-primary \{"disaster_recovery_role":"failed"\} \(.*HTTP 409.*\), and for 300ms the peers did not show whether this change is under way \(pg-primary-dr: unreadable; pg-primary: unreadable\)\. Rerun the same command: it reads both peers first, sends nothing if they show this change, and sends it at most once more\.$/,
      ),
    });
    expect(roleJournal().map((e) => e.event)).toEqual(["role-intent", "role-lapsed"]);
    sim.faults.clear();
    await failover(failoverOptions, deps);
    expect(puts()).toEqual(["pg-primary failed 409"]);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });
});

describe("the same change, seen in the read right before sending", () => {
  it("a switchover that finds the pair failed over at the prompt sends nothing, claims nothing, and exits 2 saying what it found", async () => {
    sim.model.delays = { failoverMs: 0, rebuildMs: 0, rebalanceMs: 0, switchoverMs: 0, roleLagMs: 0 };
    const confirm = async () => {
      sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" }); // a failover, meanwhile
      return true;
    };
    await expect(plannedSwitch("switchover", { ...common, yes: false }, { ...deps, confirm })).rejects.toMatchObject({
      exitCode: 2,
      message:
        'Not sending PUT /v1/project/crdr-test/service/pg-primary-dr {"disaster_recovery_role":"active"}: the pair changed since it was read, but not by this change: pg-primary-dr is now RUNNING/active and pg-primary POWEROFF/failed, where this change would leave it passive; another operator or Aiven itself acted on the pair. Check it with npm run status. Nothing was sent.',
    });
    expect(sim.apiCalls("PUT")).toEqual([]);
    expect(journal().map((e) => e.event)).not.toContain("role-applied");
    expect(output()).not.toMatch(/someone else made this change|Aiven has made/);
    // A rerun says the same truth: the pair is not where a switchover starts.
    await expect(plannedSwitch("switchover", common, deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^A switchover needs pg-primary RUNNING\/active and pg-primary-dr RUNNING\/passive, but they are POWEROFF\/failed and RUNNING\/active/,
      ),
    });
    expect(sim.apiCalls("PUT")).toEqual([]);
  });
});

describe("--resend after two requests whose answers were lost and that never showed", () => {
  const twoLost = async () => {
    sim.faults.add(onPrimaryPut({ kind: "drop", times: 2 }));
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({ exitCode: 3 });
    expect(puts()).toEqual(["pg-primary failed dropped", "pg-primary failed dropped"]);
    reporter.lines.length = 0;
  };

  it("a plain rerun sends nothing more: exit 3, naming when each was found unresolved and how to send it again", async () => {
    await twoLost();
    const lapsed = journal().filter((e) => e.event === "role-lapsed");
    expect(lapsed).toHaveLength(2);
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 3,
      message:
        `Not sending PUT /v1/project/crdr-test/service/pg-primary {"disaster_recovery_role":"failed"}: 2 requests for it were already sent (by runs at ${lapsed[0].ts}, ${lapsed[1].ts}) and neither peer showed any sign of them for 300ms each; Aiven may still act on them later. Nothing more was sent. ` +
        "Check the pair with npm run status -- --stack pg-primary (and Aiven's console) in a while: if it shows the change, rerun the same command to finish; if nothing has moved, rerun with --resend (`npm run failover -- --stack pg-primary --resend`) to send it once more, or raise --lost-answer-grace if Aiven is slow.",
    });
    expect(puts()).toHaveLength(2);
  });

  it("reads that nothing moved, says so, and sends it once more", async () => {
    await twoLost();
    await failover({ ...failoverOptions, resend: true }, deps);
    expect(output()).toContain(
      "resend: reading both peers: 2 requests for pg-primary → failed were sent and never showed at Aiven",
    );
    expect(output()).toContain(
      "! 2 requests for pg-primary → failed never showed at Aiven and nothing has changed since (pg-primary-dr RUNNING/passive, pg-primary RUNNING/active); --resend: sending it once more",
    );
    expect(journal().filter((e) => e.event === "role-resend")).toMatchObject([
      { side: "primary", role: "failed", unresolved: 2 },
    ]);
    expect(puts()).toEqual(["pg-primary failed dropped", "pg-primary failed dropped", "pg-primary failed 200"]);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("refuses, sending nothing, when the pair has moved since the last of them", async () => {
    await twoLost();
    sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" }); // Aiven acts after all
    await expect(failover({ ...failoverOptions, resend: true }, deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^--resend: the pair is not exactly as it was before the last request for pg-primary → failed at \S+ \(now pg-primary-dr \w+\/(passive|active), pg-primary \w+\/(active|failed); before pg-primary-dr RUNNING\/passive, pg-primary RUNNING\/active\), so Aiven may be acting on it; rerun without --resend\. Nothing was sent\.$/,
      ),
    });
    expect(puts()).toHaveLength(2);
    expect(journal().map((e) => e.event)).not.toContain("role-resend");
  });
});

describe("a 2xx Aiven never acts on", () => {
  const nothingChanged =
    /^Aiven accepted the request pg-primary → failed at \S+ but nothing has changed since \(pg-primary-dr RUNNING\/passive, pg-primary RUNNING\/active, as before the request, for more than 300ms\); the change is not claimed\. .*rerun with --resend \(`npm run failover -- --stack pg-primary --resend`\)/;

  it("says so plainly past the grace period, never claims the change, and a rerun says the same without sending", async () => {
    sim.faults.add(onPrimaryPut({ kind: "accept-and-ignore", times: 1 }));
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(nothingChanged),
    });
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(nothingChanged),
    });
    expect(puts()).toEqual(["pg-primary failed 200"]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    expect(terraform.state).toEqual(ALL);
  });

  it("takes peers unreadable during the wait as no sign either way: past the grace period it still says so", async () => {
    sim.faults.add(onPrimaryPut({ kind: "accept-and-ignore", times: 1 }));
    // Both peers unreadable at the first read after the PUT (each GET and its 4 retries), then as before it.
    for (const path of ["pg-primary$", "pg-primary-dr$"])
      sim.faults.add({ kind: "unreadable", path, after: { method: "PUT" }, times: 5 });
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(nothingChanged),
    });
    expect(sim.apiCalls("GET").filter((g) => g.status === 503)).toHaveLength(10);
    expect(puts()).toEqual(["pg-primary failed 200"]);
  });

  it("says nothing changed only once the peers read as before again, not while they are unreadable past the grace period", async () => {
    sim.faults.add(onPrimaryPut({ kind: "accept-and-ignore", times: 1 }));
    // Both peers unreadable for 2 s after the PUT: the 300ms grace period ends while nobody can read them.
    sim.faults.add({ kind: "unreadable", after: { method: "PUT" }, forMs: 2_000 });
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(nothingChanged),
    });
    expect(sim.apiCalls("GET").filter((g) => g.status === 503).length).toBeGreaterThan(0);
    // The read that ended the wait came once the peers were readable again.
    expect(sim.apiCalls("GET").at(-1)!.status).toBe(200);
    expect(puts()).toEqual(["pg-primary failed 200"]);
  });

  it("takes one peer unreadable during the wait, the other as before, as no sign either way", async () => {
    sim.faults.add(onPrimaryPut({ kind: "accept-and-ignore", times: 1 }));
    // The primary unreadable at the first read after the PUT (the GET and its 4 retries); the recovery as before.
    sim.faults.add({ kind: "unreadable", path: "pg-primary$", after: { method: "PUT" }, times: 5 });
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(nothingChanged),
    });
    expect(sim.apiCalls("GET").filter((g) => g.status === 503)).toHaveLength(5);
    expect(puts()).toEqual(["pg-primary failed 200"]);
  });

  it("never says nothing changed once a read showed the pair moving, even when it reads as before again: the wait runs to its timeout", async () => {
    sim.faults.add(onPrimaryPut({ kind: "accept-and-ignore", times: 1 }));
    // After the 2xx, the recovery starts rebuilding (held), and once a read has seen that, it settles back to
    // RUNNING/passive: the pair then reads exactly as before the request, long before the grace period ends.
    let seenFrom: number | undefined;
    let settled = false;
    const sleep = async (ms: number) => {
      if (sim.apiCalls("PUT").length === 1 && seenFrom === undefined) {
        const [link] = sim.model.listIntegrations("crdr-test", "pg-primary-dr");
        sim.model.deleteIntegration("crdr-test", link.service_integration_id);
        sim.model.delays = { ...sim.model.delays, rebuildMs: 3_600_000 };
        sim.model.createIntegration("crdr-test", {
          integration_type: "disaster_recovery",
          source_service: "pg-primary",
          dest_service: "pg-primary-dr",
        });
        seenFrom = sim.apiCalls("GET").length;
      } else if (seenFrom !== undefined && !settled && sim.apiCalls("GET").length > seenFrom) {
        // A whole read of both peers ended after the move (this sleep follows it).
        sim.model.finishTransition("crdr-test", "pg-primary-dr");
        settled = true;
      }
      await new Promise((r) => setTimeout(r, ms));
    };
    const options = { ...failoverOptions, lostAnswerGraceMs: 2_000, timeoutMs: 3_000 };
    const run = failover(options, { ...deps, sleep });
    await expect(run).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(/Timed out after \S+ waiting for /),
    });
    await expect(run).rejects.not.toMatchObject({ message: expect.stringMatching(/nothing has changed since/) });
    expect(settled).toBe(true);
    expect(output()).toMatch(/pg-primary-dr: REBUILDING\/passive; pg-primary: RUNNING\/active/);
    expect(output()).toMatch(/pg-primary-dr: RUNNING\/passive; pg-primary: RUNNING\/active$/);
    expect(puts()).toEqual(["pg-primary failed 200"]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
  });

  it("a dry run past the grace period stops where a real run would, sending nothing and claiming nothing", async () => {
    sim.faults.add(onPrimaryPut({ kind: "accept-and-ignore", times: 1 }));
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({ exitCode: 3 });
    await expect(failover({ ...failoverOptions, dryRun: true }, deps)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /^Dry run, nothing was sent or changed; a real run would stop here: Aiven accepted the request pg-primary → failed at \S+ but nothing has changed since \(pg-primary-dr RUNNING\/passive, pg-primary RUNNING\/active, as before the request/,
      ),
    });
    expect(puts()).toEqual(["pg-primary failed 200"]);
  });

  it("a dry run within the grace period says it would wait for the accepted change, and until when", async () => {
    sim.faults.add(onPrimaryPut({ kind: "accept-and-ignore", times: 1 }));
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({ exitCode: 3 });
    reporter.lines.length = 0;
    await failover({ ...failoverOptions, dryRun: true, lostAnswerGraceMs: 600_000 }, deps);
    const accepted = journal().find((e) => e.event === "role-applied")!;
    const until = new Date(Date.parse(accepted.ts) + 600_000).toISOString();
    expect(output()).toContain(
      `Aiven accepted pg-primary → failed at ${accepted.ts} and shows nothing of it yet: a real run would wait for it, and stop (exit 3, claiming nothing) if both peers still read as before at ${until}; the steps below follow only once it shows`,
    );
    expect(puts()).toEqual(["pg-primary failed 200"]);
  });

  it("a dry run says nothing of an accepted change once the pair has moved since it", async () => {
    sim.faults.add(onPrimaryPut({ kind: "accept-and-ignore", times: 1 }));
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({ exitCode: 3 });
    // The recovery rebuilding (held): Aiven acting after all, the failover not shown yet.
    const [link] = sim.model.listIntegrations("crdr-test", "pg-primary-dr");
    sim.model.deleteIntegration("crdr-test", link.service_integration_id);
    sim.model.delays = { ...sim.model.delays, rebuildMs: 3_600_000 };
    sim.model.createIntegration("crdr-test", {
      integration_type: "disaster_recovery",
      source_service: "pg-primary",
      dest_service: "pg-primary-dr",
    });
    reporter.lines.length = 0;
    await failover({ ...failoverOptions, dryRun: true }, deps);
    expect(output()).not.toMatch(/shows nothing of it yet|nothing has changed since/);
    expect(output()).toMatch(/would poll both peers every/);
    expect(puts()).toEqual(["pg-primary failed 200"]);
  });

  it("--resend reads that nothing moved and sends it once more, journaled as a new intent", async () => {
    sim.faults.add(onPrimaryPut({ kind: "accept-and-ignore", times: 1 }));
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({ exitCode: 3 });
    await failover({ ...failoverOptions, resend: true }, deps);
    expect(puts()).toEqual(["pg-primary failed 200", "pg-primary failed 200"]);
    expect(output()).toMatch(/^resend: reading both peers: Aiven accepted pg-primary → failed at \S+$/m);
    expect(output()).toMatch(
      /^! Aiven accepted pg-primary → failed at \S+ but nothing has changed since \(pg-primary-dr RUNNING\/passive, pg-primary RUNNING\/active\); --resend: sending it once more$/m,
    );
    const accepted = journal().find((e) => e.event === "role-applied")!;
    expect(journal().filter((e) => e.event === "role-resend")).toEqual([
      expect.objectContaining({ side: "primary", role: "failed", acceptedAt: accepted.ts }),
    ]);
    expect(
      journal()
        .filter((e) => e.event.startsWith("role-"))
        .map((e) => `${e.event} ${e.attempt ?? e.how ?? ""}`.trim()),
    ).toEqual(["role-intent 1", "role-applied answer", "role-resend", "role-intent 1", "role-applied answer"]);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    expect(terraform.state).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
  });

  it("a 2xx whose change shows only after a while, within the grace period, is waited for without alarm", async () => {
    sim.faults.add(onPrimaryPut({ kind: "delayed-visibility", visibleAfterMs: 400, times: 1 }));
    await failover({ ...failoverOptions, lostAnswerGraceMs: 10_000 }, deps);
    expect(puts()).toEqual(["pg-primary failed 200"]);
    expect(output()).not.toMatch(/nothing has changed since/);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("a 2xx whose change shows within the grace period, read slowly, is not called without effect by a read asked before the grace period ended", async () => {
    // Shown from 250ms on; each read after the PUT is answered 400ms after it is asked.
    sim.faults.add(onPrimaryPut({ kind: "delayed-visibility", visibleAfterMs: 250, times: 1 }));
    sim.faults.add({ kind: "slow", method: "GET", delayMs: 400, after: { method: "PUT" } });
    await failover(failoverOptions, deps);
    expect(puts()).toEqual(["pg-primary failed 200"]);
    expect(output()).not.toMatch(/nothing has changed since/);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("--resend refuses, saying nothing was accepted without effect, after a change the peers showed", async () => {
    // The answer is lost but the peers show the change: applied, read back; nothing for --resend to set aside.
    sim.faults.add(onPrimaryPut({ kind: "apply-then-drop", times: 1 }));
    await failover(failoverOptions, deps);
    await expect(failover({ ...failoverOptions, resend: true }, deps)).rejects.toMatchObject({
      exitCode: 2,
      message:
        "--resend sends again only a role change Aiven accepted without acting on it, and the journal of this failover on pg-primary holds none; rerun without --resend. Nothing was sent.",
    });
    expect(puts()).toEqual(["pg-primary failed dropped"]);
  });

  it("a dry run with --resend sends nothing and refuses nothing", async () => {
    await failover({ ...failoverOptions, dryRun: true, resend: true }, deps);
    expect(puts()).toEqual([]);
    expect(output()).toMatch(/^\$ PUT \S+\/service\/pg-primary \{"disaster_recovery_role":"failed"\}$/m);
  });

  it("--resend refuses, sending nothing, when the pair has moved since, or when nothing was accepted", async () => {
    await expect(failover({ ...failoverOptions, resend: true }, deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^--resend sends again only a role change Aiven accepted without acting on it, and the journal of this failover on pg-primary holds none/,
      ),
    });
    sim.faults.add(onPrimaryPut({ kind: "accept-and-ignore", times: 1 }));
    await expect(failover(failoverOptions, deps)).rejects.toMatchObject({ exitCode: 3 });
    // Within a (longer) grace period of the acceptance, it is too early to tell.
    await expect(
      failover({ ...failoverOptions, lostAnswerGraceMs: 600_000, resend: true }, deps),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^--resend: Aiven accepted pg-primary → failed at \S+, less than the grace period \(10m\) ago; rerun without --resend to wait for it, or with it after \S+\. Nothing was sent\./,
      ),
    });
    sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" }); // Aiven acts after all
    await expect(failover({ ...failoverOptions, resend: true }, deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^--resend: the pair is not exactly as it was before the request Aiven accepted at \S+ \(now .*; before .*\), so Aiven may be acting on it; rerun without --resend\. Nothing was sent\./,
      ),
    });
    expect(puts()).toEqual(["pg-primary failed 200"]);
  });
});
