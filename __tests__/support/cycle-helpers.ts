import { DrScenario } from "./dr-scenario";
import { withDefaultFlags } from "./dr-operations";
import { runScript, STACK } from "./project-fixture";

export const PRIMARY = "/v1/project/crdr-test/service/pg-primary";
export const RECOVERY = "/v1/project/crdr-test/service/pg-primary-dr";

/** Shorthands the recovery-cycle specifications share, bound to a live scenario. */
export function cycleHelpers(scenario: DrScenario) {
  return {
    run: (script: string, ...args: string[]) =>
      runScript(
        scenario.project,
        script,
        withDefaultFlags([["--stack", STACK], ["--yes"], ["--poll-interval", "100ms"]], args),
        scenario.env,
      ),
    status: (...args: string[]) => runScript(scenario.project, "status", args, scenario.env),
    putsOn: (path: string) =>
      scenario.sim
        .apiCalls("PUT")
        .filter((p) => p.path === path && p.status === 200)
        .map((p) => (p.body as { disaster_recovery_role: string }).disaster_recovery_role),
    roles: () =>
      [
        scenario.sim.model.getService("crdr-test", "pg-primary"),
        scenario.sim.model.getService("crdr-test", "pg-primary-dr"),
      ].map((s) => `${s.state}/${s.disaster_recovery_role}`),
    /** The id of the one disaster_recovery integration the simulator holds for the pair (read directly, not through the tool's own predicate). */
    integrationId: () => {
      const links = scenario.sim.model
        .listIntegrations("crdr-test", "pg-primary")
        .filter((i) => i.integration_type === "disaster_recovery");
      expect(links).toHaveLength(1);
      return links[0].service_integration_id;
    },
    phase: () => scenario.project.phases()[STACK],
    /** Runs a script and SIGKILLs it as soon as `crashWhen` holds (polled every 20 ms). */
    crashAfter: (script: string, crashWhen: () => boolean) =>
      runScript(
        scenario.project,
        script,
        ["--stack", STACK, "--yes", "--poll-interval", "100ms"],
        scenario.env,
        (child) => {
          const timer = setInterval(() => {
            if (crashWhen()) {
              clearInterval(timer);
              child.kill("SIGKILL");
            }
          }, 20);
          child.on("exit", () => clearInterval(timer));
        },
      ),
  };
}
