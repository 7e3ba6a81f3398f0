import { STACK } from "./support/project-fixture";
import { useDrScenario } from "./support/dr-scenario";
import { cycleHelpers } from "./support/cycle-helpers";

const scenario = useDrScenario("tok-status-apps-90c1");
const { run, status } = cycleHelpers(scenario);

describe("npm run status: where applications point", () => {
  it("names the output, the shared endpoint and the active peer serving it, and each region's read-only endpoint, before and after a failover", async () => {
    const before = await status("--stack", STACK);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(
      "  apps      app_uri → pg-primary-crdr-test.sim.local:5432, served by primary pg-primary (active); read-only: primary dr-pg-primary-crdr-test.sim.local:5432, recovery dr-pg-primary-dr-crdr-test.sim.local:5432",
    );

    expect((await run("failover")).code).toBe(0);
    const after = await status("--stack", STACK, "--json");
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout).pairs[0].application).toEqual({
      output: "app_uri",
      readWrite: "pg-primary-crdr-test.sim.local:5432",
      servedBy: "recovery",
      readOnly: { recovery: "dr-pg-primary-dr-crdr-test.sim.local:5432" },
    });
  });

  it("prints no credentials, in text or JSON, though Aiven's answer holds them", async () => {
    const password = scenario.sim.model.getService("crdr-test", "pg-primary").service_uri_params!.password!;
    expect(scenario.sim.model.getService("crdr-test", "pg-primary").service_uri).toContain(password);
    for (const args of [[], ["--json"], ["--all"]]) {
      const result = await status(...args);
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(password);
      expect(result.stdout + result.stderr).not.toMatch(/postgres:\/\//);
    }
  });
});
