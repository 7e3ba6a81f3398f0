import { pushRehearsalState } from "../lib/drill/rehearsal-state";
import { runScript, STACK } from "./support/project-fixture";
import { useDrScenario } from "./support/dr-scenario";
import { cycleHelpers, PRIMARY } from "./support/cycle-helpers";

const scenario = useDrScenario("tok-cycle-51a0c2e9");
const { run, putsOn, roles, integrationId, phase, crashAfter } = cycleHelpers(scenario);

describe("npm run revert", () => {
  it("recreates the primary as passive, makes it active, and imports the integration Aiven kept", async () => {
    expect((await run("failover")).code).toBe(0);
    const reverted = await run("revert");
    expect(reverted.stderr).toBe("");
    expect(reverted.code).toBe(0);
    expect(putsOn(PRIMARY)).toEqual(["failed", "passive", "active"]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);

    expect(phase()).toMatchObject({
      phase: "normal",
      operation: "revert",
      pendingImports: [{ address: "aiven_service_integration.disaster_recovery", id: `crdr-test/${integrationId()}` }],
    });
    const stack = scenario.project.stack();
    expect(stack.json.import).toEqual([
      { to: "aiven_service_integration.disaster_recovery", id: `crdr-test/${integrationId()}` },
    ]);
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
    expect((await run("failover")).code).toBe(0);
    expect((await run("revert")).code).toBe(0);
    const before = scenario.sim.apiCalls("PUT").length;
    await pushRehearsalState(scenario.project.terraform(), scenario.project.stack().pair, {
      primary: true,
      recovery: true,
      integrationId: integrationId(),
    });
    const again = await run("revert");
    expect(again.code).toBe(0);
    expect(scenario.sim.apiCalls("PUT")).toHaveLength(before);
    expect(phase().pendingImports).toBeUndefined();
    expect(scenario.project.stack().json.import).toBeUndefined();
  });

  it("resumes after a crash while the primary rebuilds, without recreating it twice", async () => {
    expect((await run("failover")).code).toBe(0);
    scenario.sim.model.delays = { ...scenario.sim.model.delays, rebuildMs: 3000 };
    const crashed = await runScript(
      scenario.project,
      "revert",
      ["--stack", STACK, "--yes", "--poll-interval", "100ms"],
      scenario.env,
      (child) => {
        const timer = setInterval(() => {
          if (putsOn(PRIMARY).includes("passive")) {
            clearInterval(timer);
            child.kill("SIGKILL");
          }
        }, 20);
      },
    );
    expect(crashed.signal).toBe("SIGKILL");
    expect(phase().phase).toBe("failed-over");
    const resumed = await run("revert");
    expect(resumed.code).toBe(0);
    expect(putsOn(PRIMARY)).toEqual(["failed", "passive", "active"]);
    expect(phase().phase).toBe("normal");
  });

  it("resumes after a crash that followed the takeover request, without sending it twice", async () => {
    expect((await run("failover")).code).toBe(0);
    scenario.sim.model.delays = { ...scenario.sim.model.delays, rebalanceMs: 3000 };
    const crashed = await crashAfter("revert", () => putsOn(PRIMARY).includes("active"));
    expect(crashed.signal).toBe("SIGKILL");
    const resumed = await run("revert");
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/revert: skipped: Aiven already shows the primary active and the recovery passive/);
    expect(putsOn(PRIMARY)).toEqual(["failed", "passive", "active"]);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    expect(phase().phase).toBe("normal");
  });

  it("stops when the primary stays REBUILDING past --timeout, and a rerun does not recreate it again", async () => {
    expect((await run("failover")).code).toBe(0);
    scenario.sim.model.delays = { ...scenario.sim.model.delays, rebuildMs: 60_000 };
    const timedOut = await run("revert", "--timeout", "1s");
    expect(timedOut.code).toBe(3);
    expect(timedOut.stderr).toMatch(
      /Timed out after \d+s waiting for pg-primary has rebuilt: RUNNING\/passive \(pg-primary-dr: RUNNING\/active; pg-primary: REBUILDING\/passive\)/,
    );
    const again = await run("revert", "--timeout", "1s");
    expect(again.code).toBe(3);
    expect(putsOn(PRIMARY)).toEqual(["failed", "passive"]);
    expect(phase().phase).toBe("failed-over");
  });

  it("is refused outside the failed-over phase, naming what is allowed", async () => {
    const refused = await run("revert");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /revert is not allowed while the pair is "normal"; from "normal" run failover or switchover\./,
    );
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
  });
});
