import { pushRehearsalState } from "../lib/drill/rehearsal-state";
import { useDrScenario } from "./support/dr-scenario";
import { cycleHelpers } from "./support/cycle-helpers";

const scenario = useDrScenario("tok-cycle-51a0c2e9");
const { run, roles, integrationId, phase } = cycleHelpers(scenario);

describe("the documented cycle: failover, revert, switchover, switchback", () => {
  it("ends each step with the documented roles and phase, and carries the revert's imports until state holds them", async () => {
    const importBlock = () => ({
      to: "aiven_service_integration.disaster_recovery",
      id: `crdr-test/${integrationId()}`,
    });
    expect((await run("failover")).code).toBe(0);
    expect(roles()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    expect((await run("revert")).code).toBe(0);
    expect(roles()).toEqual(["RUNNING/active", "RUNNING/passive"]);

    // No apply in between: the import must survive the switchover, or the next plan would create a second link.
    const over = await run("switchover");
    expect(over.stderr).toBe("");
    expect(over.code).toBe(0);
    expect(roles()).toEqual(["RUNNING/passive", "RUNNING/active"]);
    expect(phase()).toMatchObject({
      phase: "switched-over",
      pendingImports: [{ address: importBlock().to, id: importBlock().id }],
    });
    expect(scenario.project.stack().json.import).toEqual([importBlock()]);

    await pushRehearsalState(scenario.project.terraform(), scenario.project.stack().pair, {
      primary: true,
      recovery: true,
      integrationId: integrationId(),
    });
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
