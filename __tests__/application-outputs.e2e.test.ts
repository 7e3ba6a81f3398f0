import { pushAppliedState } from "../lib/drill/applied-state";
import { realTerraform } from "../lib/terraform/terraform-factory";
import { useDrScenario } from "./support/dr-scenario";
import { cycleHelpers } from "./support/cycle-helpers";

const APPLICATION_OUTPUT_NAMES = [
  "app_host",
  "app_port",
  "app_uri",
  "app_standby_primary_host",
  "app_standby_primary_port",
  "app_standby_recovery_host",
  "app_standby_recovery_port",
];

const scenario = useDrScenario("tok-app-outputs-7d41");
const { run, roles, integrationId, phase } = cycleHelpers(scenario);

/** What `terraform output -json` prints in the stack's folder: the outputs in state, read offline. */
async function outputsInState(): Promise<Record<string, { value: unknown; sensitive: boolean }>> {
  const result = await scenario.project.terraform().run(["output", "-json", "-no-color"]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

/** The application outputs' values, as an application would read them. */
async function applicationView(): Promise<Record<string, unknown>> {
  const outputs = await outputsInState();
  return Object.fromEntries(APPLICATION_OUTPUT_NAMES.map((name) => [name, outputs[name]?.value]));
}

/**
 * The apply an engineer runs after each step: the phase's stack applied, so
 * state holds what the provider would read from Aiven and the outputs Terraform
 * evaluates from the stack's own expressions.
 */
async function apply(): Promise<void> {
  const stack = scenario.project.synth();
  const read = (name: string) => scenario.sim.model.getService("crdr-test", name);
  await pushAppliedState(
    scenario.project.terraform(),
    stack,
    { primary: read("pg-primary"), recovery: read("pg-primary-dr") },
    integrationId(),
    { terraform: realTerraform, env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" } },
  );
}

describe("application outputs through a whole drill, read with the real terraform", () => {
  it("keep the read-write endpoint unchanged after every step and every apply, with each region's read-only endpoint where it serves", async () => {
    const shared = scenario.sim.model.getService("crdr-test", "pg-primary-dr");
    await apply();
    const normal = await applicationView();
    expect(normal).toEqual({
      app_host: "pg-primary-crdr-test.sim.local",
      app_port: 5432,
      app_uri: shared.service_uri,
      app_standby_primary_host: "dr-pg-primary-crdr-test.sim.local",
      app_standby_primary_port: 5432,
      app_standby_recovery_host: "dr-pg-primary-dr-crdr-test.sim.local",
      app_standby_recovery_port: 5432,
    });
    expect((await outputsInState()).app_uri.sensitive).toBe(true);
    const readWrite = { app_host: normal.app_host, app_port: normal.app_port, app_uri: normal.app_uri };
    const failedOver = { ...normal, app_standby_primary_host: "", app_standby_primary_port: 0 };

    const steps: Array<{ step: string; args: string[]; after: Record<string, unknown>; roles: string[] }> = [
      {
        step: "failover",
        args: ["--primary-unreachable"],
        after: failedOver,
        roles: ["POWEROFF/failed", "RUNNING/active"],
      },
      { step: "revert", args: [], after: normal, roles: ["RUNNING/active", "RUNNING/passive"] },
      { step: "switchover", args: [], after: normal, roles: ["RUNNING/passive", "RUNNING/active"] },
      { step: "switchback", args: [], after: normal, roles: ["RUNNING/active", "RUNNING/passive"] },
    ];
    for (const { step, args, after, roles: expected } of steps) {
      const ran = await run(step, ...args);
      expect({ step, code: ran.code, stderr: ran.stderr }).toEqual({ step, code: 0, stderr: "" });
      expect(roles()).toEqual(expected);
      // Between the operation and the next apply, state keeps what the last apply wrote.
      expect(await applicationView()).toMatchObject(readWrite);
      await apply();
      expect({ step, view: await applicationView() }).toEqual({ step, view: after });
    }
    expect(phase()).toMatchObject({ phase: "normal", operation: "switchback" });
  });

  it.each([
    { primary: "forgotten", args: ["--primary-unreachable"], state: ["aiven_pg.recovery"], primaryOutputs: [] },
    {
      primary: "frozen",
      args: [],
      state: ["aiven_pg.primary", "aiven_pg.recovery"],
      primaryOutputs: ["primary_host", "primary_password", "primary_port", "primary_service_name", "primary_uri"],
    },
  ])(
    "keep every application output once the failed-over phase with the primary $primary is applied",
    async ({ primary, args, state, primaryOutputs }) => {
      await apply();
      const before = await applicationView();
      expect((await run("failover", ...args)).code).toBe(0);
      expect(phase()).toMatchObject({ phase: "failed-over", primary });
      await apply();
      expect(await scenario.project.stateAddresses()).toEqual(state);
      const outputs = await outputsInState();
      expect(
        Object.keys(outputs)
          .filter((o) => o.startsWith("primary_"))
          .sort(),
      ).toEqual(primaryOutputs);
      expect(
        Object.keys(outputs)
          .filter((o) => o.startsWith("app_"))
          .sort(),
      ).toEqual([...APPLICATION_OUTPUT_NAMES].sort());
      expect(await applicationView()).toEqual({ ...before, app_standby_primary_host: "", app_standby_primary_port: 0 });
    },
  );
});
