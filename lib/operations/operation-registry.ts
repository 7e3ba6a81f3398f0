import { OPERATIONS, OperationName, PhaseName } from "../phase/phase-record";
import { PHASE_TRANSITIONS, targetPhase } from "../phase/phase-transitions";
import { parseDuration } from "../duration";
import type { CommonOptions, OperationDeps } from "./operation-inputs";

/** One command-line flag an operation takes besides the common ones (`operation-command.ts`). */
export interface FlagSpec {
  /** As commander spells it: `--force`, `--max-data-loss <duration>`. */
  readonly flags: string;
  readonly description: string;
  readonly default?: string | boolean;
}

/** What the drill checks after rehearsing an operation (implemented in `lib/drill/drill.ts`). */
export type DrillCheck =
  /** Aiven shows what the operation's phase expects (`EXPECTED_ROLES`). */
  | "roles"
  /** The phase file records the operation's phase. */
  | "phase"
  /** The apply after the step leaves the applications' outputs readable and writable. */
  | "applications";

/** A drill step that follows an operation's own. */
export type DrillFollowUp =
  /** With --postgres: the canaries the promoted standby lacks, against the failover's estimate. */
  | "canaries-lost"
  /** `status` says the pair is healthy. */
  | "status"
  /** The apply the phase-file pull request would make, importing what the operation left pending. */
  | "apply-imports"
  /** The same operation run again after that apply clears the pending imports. */
  | "rerun-clears-imports";

/**
 * Everything the tooling knows of one DR operation. Region runs, the CI
 * report's next steps, the `crdr` command line, run-built's list of entry
 * points and the drill read it from here, so adding an operation is its body
 * (one file) and one entry below.
 */
export interface OperationSpec<Flags extends object = Record<string, unknown>> {
  /** The command's description, as `--help` shows it. */
  readonly description: string;
  /** How long each waiting step waits for Aiven (`--timeout`). */
  readonly defaultTimeout: string;
  /** The flags this operation takes besides the common ones. */
  readonly flags: readonly FlagSpec[];
  /**
   * Runs the operation on one pair, given the common options and this
   * operation's own flags as commander parsed them. The body's module is
   * loaded only when it runs: the registry is read by commands (help, the CI
   * report) that run no operation.
   */
  readonly run: (common: CommonOptions, flags: Flags, deps: OperationDeps) => Promise<unknown>;
  /** What a region run's summary says of the pairs done: "6 of 6 pair(s) <doneVerb> <region>". */
  readonly doneVerb: string;
  /**
   * What follows a finished run in CI, after its phase-file pull request;
   * `dispatch` says how to start another operation from the workflow.
   */
  readonly nextStep: (dispatch: (operation: OperationName, options?: { dryRunFirst?: boolean }) => string) => string[];
  /** How the drill rehearses it: with which flags, what it checks after, and the steps that follow. */
  readonly drill: {
    readonly flags: Flags;
    readonly checks: readonly DrillCheck[];
    readonly then: readonly DrillFollowUp[];
  };
}

/** A registry entry as the tooling reads it: with the phase its operation lands on. */
export interface RegisteredOperation extends OperationSpec {
  /** `PHASE_TRANSITIONS`' target phase, never restated. */
  readonly landsOn: PhaseName;
}

/** An entry, typed by its own flags; the registry holds it with its flags erased. */
function operation<Flags extends object>(name: OperationName, spec: OperationSpec<Flags>): RegisteredOperation {
  return { ...(spec as unknown as OperationSpec), landsOn: targetPhase(name) };
}

interface FailoverFlags {
  primaryUnreachable: boolean;
  stateOnly: boolean;
  force: boolean;
  maxDataLoss?: string;
  acceptDataLoss: boolean;
}

const PLAN_SHOWS_NO_CHANGES = "Review and merge the phase-file pull request: its plan should show no changes.";

export const OPERATION_REGISTRY: Record<OperationName, RegisteredOperation> = {
  failover: operation<FailoverFlags>("failover", {
    description:
      "Fail a CRDR pair (--stack) or every pair whose primary is in a region (--region) over to its recovery region: trigger at Aiven, wait, reconcile Terraform state, record the phase, resynthesize.",
    defaultTimeout: "30m",
    flags: [
      {
        flags: "--primary-unreachable",
        description: "also forget the primary in Terraform state (its region is down)",
        default: false,
      },
      {
        flags: "--state-only",
        description: "the failover was already done in the Console or CLI: verify and reconcile only",
        default: false,
      },
      {
        flags: "--force",
        description:
          "fail over even when the recovery service is not a RUNNING passive peer, or the pair looks in transition",
        default: false,
      },
      {
        flags: "--max-data-loss <duration>",
        description: "the recovery-point objective for this run, overriding the pair's maxDataLoss (such as 30s)",
      },
      {
        flags: "--accept-data-loss",
        description:
          "fail over even when the data at risk is above the objective or cannot be measured (journaled with the figure)",
        default: false,
      },
    ],
    run: async (common, flags, deps) =>
      (await import("./failover")).failover(
        {
          ...common,
          primaryUnreachable: flags.primaryUnreachable,
          stateOnly: flags.stateOnly,
          force: flags.force,
          maxDataLossMs:
            flags.maxDataLoss === undefined ? undefined : parseDuration(flags.maxDataLoss, "--max-data-loss"),
          acceptDataLoss: flags.acceptDataLoss,
        },
        deps,
      ),
    doneVerb: "failed over away from",
    nextStep: (dispatch) => [
      "Review and merge the phase-file pull request: its plan review should show no changes, only forgets.",
      "While the old primary region is unreachable, plan with `-refresh=false`: the `removed` blocks still refresh.",
      `Once the region is back, revert with: ${dispatch("revert")}.`,
    ],
    drill: {
      flags: { primaryUnreachable: false, stateOnly: false, force: false, acceptDataLoss: false },
      checks: ["roles", "phase", "applications"],
      then: ["canaries-lost", "status"],
    },
  }),
  revert: operation("revert", {
    description:
      "Revert a pair to its primary region: recreate the primary as passive, make it active, and import (never re-create) what Aiven kept.",
    defaultTimeout: "6h",
    flags: [],
    run: async (common, _flags, deps) => (await import("./revert")).revert(common, deps),
    doneVerb: "reverted to",
    nextStep: (dispatch) => [
      "Review and merge the phase-file pull request: its plan imports what Aiven kept (the primary, the DR link) and adds, changes and destroys nothing.",
      `If it recorded pending imports, ${dispatch("revert", { dryRunFirst: false })} again after the apply has imported them: that clears them from the phase file.`,
    ],
    drill: { flags: {}, checks: ["roles", "phase"], then: ["apply-imports", "rerun-clears-imports"] },
  }),
  switchover: operation("switchover", {
    description:
      "Planned, lossless switchover: make the recovery service active and the primary passive, keeping the DR link.",
    defaultTimeout: "30m",
    flags: [],
    run: async (common, _flags, deps) => (await import("./planned-switch")).plannedSwitch("switchover", common, deps),
    doneVerb: "switched over away from",
    nextStep: (dispatch) => [PLAN_SHOWS_NO_CHANGES, `To switch back: ${dispatch("switchback")}.`],
    drill: { flags: {}, checks: ["roles", "phase", "applications"], then: [] },
  }),
  switchback: operation("switchback", {
    description:
      "Switch back after a switchover: make the primary active and the recovery service passive, keeping the DR link.",
    defaultTimeout: "30m",
    flags: [],
    run: async (common, _flags, deps) => (await import("./planned-switch")).plannedSwitch("switchback", common, deps),
    doneVerb: "switched back to",
    nextStep: () => [
      "Review and merge the phase-file pull request: its plan should show no changes (or only pending imports carried over).",
    ],
    drill: { flags: {}, checks: ["roles", "phase", "applications"], then: ["status"] },
  }),
};

/**
 * The order the drill rehearses the operations in: a walk through the phases
 * from `normal` that takes, at each phase, the first operation not yet
 * rehearsed that may start there, until every operation is rehearsed (and
 * the pair is back in `normal`).
 */
export function rehearsalOrder(): OperationName[] {
  const order: OperationName[] = [];
  let phase: PhaseName = "normal";
  while (order.length < OPERATIONS.length) {
    const next = OPERATIONS.find((o) => !order.includes(o) && PHASE_TRANSITIONS[o].from.includes(phase));
    if (!next) throw new Error(`no operation left to rehearse leaves "${phase}" (rehearsed: ${order.join(", ")})`);
    order.push(next);
    phase = PHASE_TRANSITIONS[next].to;
  }
  if (phase !== "normal") throw new Error(`the rehearsal ends in "${phase}", not "normal"`);
  return order;
}
