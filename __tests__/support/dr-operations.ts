import { OperationName } from "../../lib/phase/phase-record";
import { FaultSpec } from "../../lib/simulator/sim-faults";
import { DrScenario } from "./dr-scenario";
import { runScript, ScriptRun, STACK } from "./project-fixture";

export const PROJECT = "crdr-test";
export const PRIMARY = "pg-primary";
export const RECOVERY = "pg-primary-dr";
export const PATHS = {
  primary: `/v1/project/${PROJECT}/service/${PRIMARY}`,
  recovery: `/v1/project/${PROJECT}/service/${RECOVERY}`,
} as const;

/** A role change an operation sends: on which peer, to which role. */
export interface RolePut {
  readonly side: "primary" | "recovery";
  readonly role: "failed" | "passive" | "active";
}

/** A role-changing operation, with how to bring a pair to where it starts and where it ends. */
export interface DrOperation {
  readonly script: OperationName;
  /** Every role change it sends, in order. */
  readonly puts: readonly RolePut[];
  /** Puts the simulator, the state and the phase file where the operation starts. */
  readonly arrange: (s: DrScenario) => Promise<void>;
  /** `state/role` of primary and recovery at the end. */
  readonly end: readonly [string, string];
  readonly phase: string;
  /** How the lead of a message after the change begins. */
  readonly changed: RegExp;
  /** The oldest terraform its preflight accepts: the stack's, or the next phase's if higher. */
  readonly minimumTerraform: string;
}

function writePhase(s: DrScenario, record: Record<string, unknown>): void {
  s.project.clearPhases();
  s.project.writePhases({ [STACK]: record });
}

export const DR_OPERATIONS: readonly DrOperation[] = [
  {
    script: "failover",
    puts: [{ side: "primary", role: "failed" }],
    arrange: async (s) => writePhase(s, { phase: "normal" }),
    end: ["POWEROFF/failed", "RUNNING/active"],
    phase: "failed-over",
    changed: /^✖ Aiven has failed pg-primary over to pg-primary-dr/,
    minimumTerraform: "1.10.0",
  },
  {
    script: "revert",
    puts: [
      { side: "primary", role: "passive" },
      { side: "primary", role: "active" },
    ],
    arrange: async (s) => {
      s.sim.model.updateService(PROJECT, PRIMARY, { disaster_recovery_role: "failed" });
      await s.project.terraform().stateRm(["aiven_service_integration.disaster_recovery"]);
      writePhase(s, { phase: "failed-over", primary: "frozen", operation: "failover" });
    },
    end: ["RUNNING/active", "RUNNING/passive"],
    phase: "normal",
    changed:
      /^✖ Aiven has (begun recreating pg-primary|made pg-primary active|reverted the pair: pg-primary is active again and pg-primary-dr passive)/,
    minimumTerraform: "1.10.0",
  },
  {
    script: "switchover",
    puts: [{ side: "recovery", role: "active" }],
    arrange: async (s) => writePhase(s, { phase: "normal" }),
    end: ["RUNNING/passive", "RUNNING/active"],
    phase: "switched-over",
    changed: /^✖ Aiven has made pg-primary-dr active and pg-primary passive/,
    minimumTerraform: "1.10.0",
  },
  {
    script: "switchback",
    puts: [{ side: "primary", role: "active" }],
    arrange: async (s) => {
      s.sim.model.updateService(PROJECT, RECOVERY, { disaster_recovery_role: "active" });
      writePhase(s, { phase: "switched-over", operation: "switchover" });
    },
    end: ["RUNNING/active", "RUNNING/passive"],
    phase: "normal",
    changed: /^✖ Aiven has made pg-primary active and pg-primary-dr passive/,
    minimumTerraform: "1.10.0",
  },
];

/** Each role change of each operation, for faults aimed at one request. */
export const ROLE_PUTS = DR_OPERATIONS.flatMap((operation) =>
  operation.puts.map((put) => ({ operation, put, name: `${operation.script} (${put.side} → ${put.role})` })),
);

/** A fault aimed at one role change's PUT. */
export function faultOn(put: RolePut, fault: Omit<FaultSpec, "method" | "path" | "body">): FaultSpec {
  return { ...fault, method: "PUT", path: `^${PATHS[put.side]}$`, body: `"disaster_recovery_role":"${put.role}"` };
}

/** The PUTs the simulator received for one role change, whatever happened to them. */
export function putsFor(s: DrScenario, put: RolePut) {
  return s.sim
    .apiCalls("PUT")
    .filter(
      (r) =>
        r.path === PATHS[put.side] &&
        (r.body as { disaster_recovery_role?: string })?.disaster_recovery_role === put.role,
    );
}

/** Both peers as `state/role`, primary first. */
export function peers(s: DrScenario): [string, string] {
  const view = (name: string) => {
    const service = s.sim.model.getService(PROJECT, name);
    return `${service.state}/${service.disaster_recovery_role}`;
  };
  return [view(PRIMARY), view(RECOVERY)];
}

/** Transitions that take a little time and show intermediate states, as real ones do. */
export const SHORT_TRANSITIONS = {
  failoverMs: 300,
  rebuildMs: 300,
  rebalanceMs: 300,
  switchoverMs: 300,
  roleLagMs: 300,
};

/** Runs an operation's script on the scenario's pair, confirmed, polling fast, with a short lost-answer grace. */
export function runOperation(
  s: DrScenario,
  script: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  onSpawn?: Parameters<typeof runScript>[4],
): Promise<ScriptRun> {
  return runScript(
    s.project,
    script,
    withDefaultFlags(
      [["--stack", STACK], ["--yes"], ["--poll-interval", "100ms"], ["--lost-answer-grace", "2s"]],
      args,
    ),
    { ...s.env, ...env },
    onSpawn,
  );
}

/**
 * `args` after the default flags they do not give themselves: a flag given
 * two different values is refused, so a test's own value replaces the default.
 */
export function withDefaultFlags(defaults: ReadonlyArray<readonly string[]>, args: readonly string[]): string[] {
  return [...defaults.filter(([flag]) => !args.some((a) => a === flag || a.startsWith(`${flag}=`))).flat(), ...args];
}
