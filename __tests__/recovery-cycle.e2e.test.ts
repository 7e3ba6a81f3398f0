import { findDrLink } from "../lib/aiven/dr-link";
import { pushRehearsalState } from "../lib/drill/rehearsal-state";
import { ProjectFixture, runScript, STACK } from "./support/project-fixture";
import { useDrScenario } from "./support/dr-scenario";

const TOKEN = "tok-cycle-51a0c2e9";
const PRIMARY = "/v1/project/crdr-test/service/pg-primary";
const RECOVERY = "/v1/project/crdr-test/service/pg-primary-dr";

const scenario = useDrScenario(TOKEN);

const run = (script: string, ...args: string[]) => runScript(scenario.project, script, ["--stack", STACK, "--yes", "--poll-interval", "100ms", ...args], scenario.env);
const status = (...args: string[]) => runScript(scenario.project, "status", args, scenario.env);
const putsOn = (path: string) => scenario.sim.apiCalls("PUT").filter((p) => p.path === path && p.status === 200).map((p) => (p.body as any).disaster_recovery_role);
const roles = () => [scenario.sim.model.getService("crdr-test", "pg-primary"), scenario.sim.model.getService("crdr-test", "pg-primary-dr")].map((s) => `${s.state}/${s.disaster_recovery_role}`);
const integrationId = () => findDrLink(scenario.sim.model.getService("crdr-test", "pg-primary").service_integrations, { primary: { serviceName: "pg-primary" }, recovery: { serviceName: "pg-primary-dr" } }, { ordered: false })!.service_integration_id;
const phase = () => scenario.project.phaseFileJson()?.pairs?.[STACK];

/** Runs a script and SIGKILLs it as soon as `crashWhen` holds (polled every 20 ms). */
function crashAfter(script: string, crashWhen: () => boolean) {
  return runScript(scenario.project, script, ["--stack", STACK, "--yes", "--poll-interval", "100ms"], scenario.env, (child) => {
    const timer = setInterval(() => {
      if (crashWhen()) {
        clearInterval(timer);
        child.kill("SIGKILL");
      }
    }, 20);
    child.on("exit", () => clearInterval(timer));
  });
}

describe("npm run revert (failback)", () => {
  it("recreates the primary as passive, makes it active, and imports the integration Aiven kept", async () => {
    expect((await run("failover")).code).toBe(0);
    const reverted = await run("revert");
    expect(reverted.stderr).toBe("");
    expect(reverted.code).toBe(0);
    expect(putsOn(PRIMARY)).toEqual(["failed", "passive", "active"]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);

    expect(phase()).toMatchObject({ phase: "normal", operation: "revert", pendingImports: [{ address: "aiven_service_integration.disaster_recovery", id: `crdr-test/${integrationId()}` }] });
    const stack = scenario.project.stack();
    expect(stack.json.import).toEqual([{ to: "aiven_service_integration.disaster_recovery", id: `crdr-test/${integrationId()}` }]);
    expect(stack.resource("aiven_service_integration.disaster_recovery")).toBeDefined();
    expect(stack.resource("aiven_pg.primary")?.lifecycle).toBeUndefined();
    expect(stack.removedAddresses()).toEqual([]);
    expect(reverted.stdout).toMatch(/its plan should show 1 import\(s\) and nothing to add, change or destroy/);
  });

  it("imports a forgotten primary by PROJECT/NAME instead of creating it", async () => {
    expect((await run("failover", "--primary-unreachable")).code).toBe(0);
    expect((await run("revert")).code).toBe(0);
    expect(scenario.project.stack().json.import).toEqual([
      { to: "aiven_pg.primary", id: "crdr-test/pg-primary" },
      { to: "aiven_service_integration.disaster_recovery", id: `crdr-test/${integrationId()}` },
    ]);
    expect(scenario.project.stack().resource("aiven_pg.primary")).toMatchObject({ service_name: "pg-primary" });
  });

  it("runs again without a role change, and clears the imports once state holds them", async () => {
    await run("failover");
    await run("revert");
    const before = scenario.sim.apiCalls("PUT").length;
    await pushRehearsalState(scenario.project.terraform(), scenario.project.stack().pair, { primary: true, recovery: true, integrationId: integrationId() });
    const again = await run("revert");
    expect(again.code).toBe(0);
    expect(scenario.sim.apiCalls("PUT")).toHaveLength(before);
    expect(phase().pendingImports).toBeUndefined();
    expect(scenario.project.stack().json.import).toBeUndefined();
  });

  it("resumes after a crash while the primary rebuilds, without recreating it twice", async () => {
    await run("failover");
    scenario.sim.model.delays = { ...scenario.sim.model.delays, rebuildMs: 3000 };
    const crashed = await runScript(scenario.project, "revert", ["--stack", STACK, "--yes", "--poll-interval", "100ms"], scenario.env, (child) => {
      const timer = setInterval(() => {
        if (putsOn(PRIMARY).includes("passive")) {
          clearInterval(timer);
          child.kill("SIGKILL");
        }
      }, 20);
    });
    expect(crashed.signal).toBe("SIGKILL");
    expect(phase().phase).toBe("failed-over");
    const resumed = await run("revert");
    expect(resumed.code).toBe(0);
    expect(putsOn(PRIMARY)).toEqual(["failed", "passive", "active"]);
    expect(phase().phase).toBe("normal");
  });

  it("resumes after a crash that followed the takeover request, without sending it twice", async () => {
    await run("failover");
    scenario.sim.model.delays = { ...scenario.sim.model.delays, rebalanceMs: 3000 };
    const crashed = await crashAfter("revert", () => putsOn(PRIMARY).includes("active"));
    expect(crashed.signal).toBe("SIGKILL");
    const resumed = await run("revert");
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/failback: skipped: Aiven already shows the primary active and the recovery passive/);
    expect(putsOn(PRIMARY)).toEqual(["failed", "passive", "active"]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    expect(phase().phase).toBe("normal");
  });

  it("stops when the primary stays REBUILDING past --timeout, and a rerun does not recreate it again", async () => {
    await run("failover");
    scenario.sim.model.delays = { ...scenario.sim.model.delays, rebuildMs: 60_000 };
    const timedOut = await run("revert", "--timeout", "1s");
    expect(timedOut.code).toBe(3);
    expect(timedOut.stderr).toMatch(/Timed out after \d+s waiting for pg-primary has rebuilt: RUNNING\/passive \(pg-primary-dr: RUNNING\/active; pg-primary: REBUILDING\/passive\)/);
    const again = await run("revert", "--timeout", "1s");
    expect(again.code).toBe(3);
    expect(putsOn(PRIMARY)).toEqual(["failed", "passive"]);
    expect(phase().phase).toBe("failed-over");
  });

  it("is refused outside the failed-over phase, naming what is allowed", async () => {
    const refused = await run("revert");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/revert is not allowed while the pair is "normal"; from "normal" run failover or switchover\./);
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
  });
});

describe("the documented cycle: failover, revert, switchover, switchback", () => {
  it("ends each step with the documented roles and phase, and carries the failback's imports until state holds them", async () => {
    const importBlock = () => ({ to: "aiven_service_integration.disaster_recovery", id: `crdr-test/${integrationId()}` });
    expect((await run("failover")).code).toBe(0);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    expect((await run("revert")).code).toBe(0);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);

    // No apply in between: the import must survive the switchover, or the next plan would create a second link.
    const over = await run("switchover");
    expect(over.stderr).toBe("");
    expect(over.code).toBe(0);
    expect(roles()).toEqual(["RUNNING/passive", "RUNNING/active"]);
    expect(phase()).toMatchObject({ phase: "switched-over", pendingImports: [{ address: importBlock().to, id: importBlock().id }] });
    expect(scenario.project.stack().json.import).toEqual([importBlock()]);

    await pushRehearsalState(scenario.project.terraform(), scenario.project.stack().pair, { primary: true, recovery: true, integrationId: integrationId() });
    expect((await run("switchback")).code).toBe(0);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    expect(phase()).toMatchObject({ phase: "normal", operation: "switchback" });
    expect(phase().pendingImports).toBeUndefined();
    expect(scenario.project.stack().json.import).toBeUndefined();

    const changes = scenario.sim.apiCalls("PUT").length;
    expect((await run("revert")).code).toBe(2); // not failed over
    expect((await run("switchback")).code).toBe(0);
    expect(scenario.sim.apiCalls("PUT")).toHaveLength(changes);
  });
});

describe("npm run switchover / switchback", () => {
  it("switches over through the API, keeps the link, and freezes it in config instead of replacing it", async () => {
    const normalIntegration = scenario.project.stack().resource("aiven_service_integration.disaster_recovery");
    const over = await run("switchover");
    expect(over.stderr).toBe("");
    expect(over.code).toBe(0);
    expect(putsOn(RECOVERY)).toEqual(["active"]);
    expect(putsOn(PRIMARY)).toEqual([]);
    expect(roles()).toEqual(["RUNNING/passive", "RUNNING/active"]);
    expect(phase()).toMatchObject({ phase: "switched-over", operation: "switchover" });
    expect(scenario.sim.apiCalls("DELETE")).toEqual([]);

    const integration = scenario.project.stack().resource("aiven_service_integration.disaster_recovery")!;
    expect(integration.lifecycle).toEqual({ ignore_changes: "all", prevent_destroy: true });
    const { lifecycle: _l, ...rest } = integration;
    const { "//": _m, ...normalRest } = normalIntegration!;
    expect({ ...rest, "//": undefined }).toEqual({ ...normalRest, "//": undefined });
    expect(await scenario.project.stateAddresses()).toHaveLength(3);
  });

  it("switches back to normal, and reruns of either send no further role change", async () => {
    await run("switchover");
    expect((await run("switchover")).code).toBe(0);
    expect(putsOn(RECOVERY)).toEqual(["active"]);
    const back = await run("switchback");
    expect(back.code).toBe(0);
    expect(putsOn(PRIMARY)).toEqual(["active"]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    expect(phase()).toMatchObject({ phase: "normal", operation: "switchback" });
    expect(scenario.project.stack().resource("aiven_service_integration.disaster_recovery")?.lifecycle).toBeUndefined();
    expect((await run("switchback")).code).toBe(0);
    expect(putsOn(PRIMARY)).toEqual(["active"]);
  });

  it("records the phase on a rerun after a crash that followed the request", async () => {
    scenario.sim.model.delays = { ...scenario.sim.model.delays, switchoverMs: 3000 };
    const crashed = await runScript(scenario.project, "switchover", ["--stack", STACK, "--yes", "--poll-interval", "100ms"], scenario.env, (child) => {
      const timer = setInterval(() => {
        if (putsOn(RECOVERY).length) {
          clearInterval(timer);
          child.kill("SIGKILL");
        }
      }, 20);
    });
    expect(crashed.signal).toBe("SIGKILL");
    expect(phase()).toBeUndefined();
    const resumed = await run("switchover");
    expect(resumed.code).toBe(0);
    expect(putsOn(RECOVERY)).toEqual(["active"]);
    expect(phase().phase).toBe("switched-over");
  });

  it("finishes a switchback interrupted after its request", async () => {
    await run("switchover");
    scenario.sim.model.delays = { ...scenario.sim.model.delays, rebalanceMs: 3000 };
    const crashed = await crashAfter("switchback", () => putsOn(PRIMARY).length > 0);
    expect(crashed.signal).toBe("SIGKILL");
    expect(phase().phase).toBe("switched-over");
    const resumed = await run("switchback");
    expect(resumed.code).toBe(0);
    expect(putsOn(PRIMARY)).toEqual(["active"]);
    expect(phase()).toMatchObject({ phase: "normal", operation: "switchback" });
  });

  it("refuses a switchover when the DR link is missing at Aiven", async () => {
    scenario.sim.model.deleteIntegration("crdr-test", integrationId());
    const refused = await run("switchover");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/The disaster_recovery integration between pg-primary and pg-primary-dr is missing at Aiven; a switchover without a working DR link would lose data/);
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
  });

  it("refuses a switchover while failed over, and a switchback while normal", async () => {
    await run("failover");
    const over = await run("switchover");
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/switchover is not allowed while the pair is "failed-over"; from "failed-over" run revert\./);
    scenario.project.remove();
    scenario.project = ProjectFixture.create();
    await scenario.project.seedState();
    const back = await run("switchback");
    expect(back.code).toBe(2);
    expect(back.stderr).toMatch(/switchback is not allowed while the pair is "normal"; from "normal" run failover or switchover\./);
  });

  it("refuses when a peer is not RUNNING", async () => {
    scenario.sim.model.addService({ project: "crdr-test", name: "pg-primary-dr", plan: "startup-4", cloud: "google-europe-north1", state: "REBUILDING", role: "passive" });
    const refused = await run("switchover");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/A switchover needs pg-primary RUNNING\/active and pg-primary-dr RUNNING\/passive, but they are RUNNING\/active and REBUILDING\/passive; wait for both to be RUNNING/);
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
  });
});

describe("npm run status", () => {
  it("reports a healthy pair as the API shows it, exit 0", async () => {
    const result = await status("--json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.verdict).toBe("healthy");
    expect(report.pairs[0]).toMatchObject({
      stack: STACK,
      phase: { phase: "normal" },
      primary: { service: "pg-primary", cloud: "google-europe-west1", reachable: true, state: "RUNNING", role: "active", plan: "startup-4" },
      recovery: { service: "pg-primary-dr", cloud: "google-europe-north1", state: "RUNNING", role: "passive" },
      integration: { present: true, active: true, enabled: true, direction: "pg-primary → pg-primary-dr", id: integrationId() },
      findings: [],
    });
  });

  it("flags drift loudly when Aiven contradicts the phase, exit 5", async () => {
    scenario.sim.model.updateService("crdr-test", "pg-primary-dr", { disaster_recovery_role: "active" });
    const result = await status();
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(/✖ DRIFTED {2}pg-primary/);
    expect(result.stdout).toMatch(/phase "normal" expects recovery pg-primary-dr to be passive, but Aiven says active/);
  });

  it("flags a missing integration as drift", async () => {
    scenario.sim.model.deleteIntegration("crdr-test", integrationId());
    const result = await status("--stack", STACK, "--json");
    expect(result.code).toBe(5);
    expect(JSON.parse(result.stdout).pairs[0].findings).toContainEqual({ level: "drift", message: "the disaster_recovery integration is missing at Aiven" });
  });

  it("reports a rebuilding peer as degraded, exit 4", async () => {
    scenario.sim.model.addService({ project: "crdr-test", name: "pg-primary-dr", plan: "startup-4", cloud: "google-europe-north1", state: "REBUILDING", role: "passive" });
    const result = await status();
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/recovery pg-primary-dr is REBUILDING/);
  });

  it("reports a run that changed roles but did not finish, until a rerun completes it", async () => {
    scenario.sim.model.delays = { ...scenario.sim.model.delays, failoverMs: 60_000 };
    expect((await run("failover", "--timeout", "1s")).code).toBe(3);
    const interrupted = await status("--json");
    expect(interrupted.code).toBe(5); // the phase file still says normal while the primary is failed
    expect(JSON.parse(interrupted.stdout).pairs[0].findings).toContainEqual({
      level: "degraded",
      message: expect.stringMatching(/^a failover run started \S+ changed roles at Aiven but did not finish; rerun npm run failover -- --stack pg-primary$/),
    });
    // The promotion was scheduled a minute out; make it happen now for the rerun.
    scenario.sim.model.addService({ project: "crdr-test", name: "pg-primary-dr", plan: "startup-4", cloud: "google-europe-north1", role: "active" });
    expect((await run("failover")).code).toBe(0);
    const after = await status("--json");
    expect(JSON.parse(after.stdout).pairs[0].findings.filter((f: { level: string }) => f.level !== "note")).toEqual([]);
  });

  it("is healthy after a failover even though the primary cannot be read", async () => {
    await run("failover");
    scenario.sim.faults.add({ kind: "status", status: 503, method: "GET", path: `^${PRIMARY}$` });
    const result = await status("--json");
    expect(JSON.parse(result.stdout).pairs[0].primary.reachable).toBe(false);
    expect(result.code).toBe(0);
  });
});

describe("npm run drill", () => {
  it("rehearses the whole cycle on throw-away copies and leaves the scenario.project untouched", async () => {
    const before = await scenario.project.stateAddresses();
    const result = await runScript(scenario.project, "drill", ["--transition-ms", "100"], {});
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const step of ["failover", "status", "revert", "switchover", "switchback"]) expect(result.stdout).toContain(`✔ pg-primary: ${step}`);
    expect(result.stdout).toMatch(/8 passed, 0 failed/);
    expect(await scenario.project.stateAddresses()).toEqual(before);
    expect(scenario.project.phaseFileJson()).toBeUndefined();
  });
});

describe("npm run status after a failback", () => {
  it("notes the pending imports without calling a healthy pair degraded", async () => {
    await run("failover");
    await run("revert");
    const result = await status("--json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout).pairs[0];
    expect(report.verdict).toBe("healthy");
    expect(report.findings).toEqual([{ level: "note", message: "imports pending in the config until an apply takes them into state: aiven_service_integration.disaster_recovery" }]);
  });
});
