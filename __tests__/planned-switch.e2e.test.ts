import { ProjectFixture, runScript, STACK } from "./support/project-fixture";
import { useDrScenario } from "./support/dr-scenario";
import { cycleHelpers, PRIMARY, RECOVERY } from "./support/cycle-helpers";

const scenario = useDrScenario("tok-cycle-51a0c2e9");
const { run, putsOn, roles, integrationId, phase, crashAfter } = cycleHelpers(scenario);

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
    expect((await run("switchover")).code).toBe(0);
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
    const crashed = await runScript(
      scenario.project,
      "switchover",
      ["--stack", STACK, "--yes", "--poll-interval", "100ms"],
      scenario.env,
      (child) => {
        const timer = setInterval(() => {
          if (putsOn(RECOVERY).length) {
            clearInterval(timer);
            child.kill("SIGKILL");
          }
        }, 20);
      },
    );
    expect(crashed.signal).toBe("SIGKILL");
    expect(phase()).toBeUndefined();
    const resumed = await run("switchover");
    expect(resumed.code).toBe(0);
    expect(putsOn(RECOVERY)).toEqual(["active"]);
    expect(phase().phase).toBe("switched-over");
  });

  it("finishes a switchback interrupted after its request", async () => {
    expect((await run("switchover")).code).toBe(0);
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
    expect(refused.stderr).toMatch(
      /The disaster_recovery integration between pg-primary and pg-primary-dr is missing at Aiven; a switchover without a working DR link would lose data/,
    );
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
  });

  it("refuses a switchover while failed over, and a switchback while normal", async () => {
    expect((await run("failover")).code).toBe(0);
    const over = await run("switchover");
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(
      /switchover is not allowed while the pair is "failed-over"; from "failed-over" run revert\./,
    );
    scenario.project.remove();
    scenario.project = ProjectFixture.create();
    await scenario.project.seedState();
    const back = await run("switchback");
    expect(back.code).toBe(2);
    expect(back.stderr).toMatch(
      /switchback is not allowed while the pair is "normal"; from "normal" run failover or switchover\./,
    );
  });

  it("refuses when a peer is not RUNNING", async () => {
    scenario.sim.model.addService({
      project: "crdr-test",
      name: "pg-primary-dr",
      plan: "startup-4",
      cloud: "google-europe-north1",
      state: "REBUILDING",
      role: "passive",
    });
    const refused = await run("switchover");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /A switchover needs pg-primary RUNNING\/active and pg-primary-dr RUNNING\/passive, but they are RUNNING\/active and REBUILDING\/passive; wait for both to be RUNNING/,
    );
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
  });
});
