import { OPERATIONS, OperationName, PhaseName, PhaseRecord } from "./phase-record";

/**
 * Which phases each operation starts from and the phase it leads to. An
 * operation run again from its target phase is a resumption (finish what an
 * interrupted run began), never a second trigger.
 */
export interface PhaseTransition {
  readonly from: readonly PhaseName[];
  readonly to: PhaseName;
}

const TRANSITIONS = {
  failover: { from: ["normal"], to: "failed-over" },
  revert: { from: ["failed-over"], to: "normal" },
  switchover: { from: ["normal"], to: "switched-over" },
  switchback: { from: ["switched-over"], to: "normal" },
} as const satisfies Record<OperationName, PhaseTransition>;

export const PHASE_TRANSITIONS: Record<OperationName, PhaseTransition> = TRANSITIONS;

/** The phase `operation` leads to, typed by the operation: what its body records and waits for. */
export function targetPhase<O extends OperationName>(operation: O): (typeof TRANSITIONS)[O]["to"] {
  return TRANSITIONS[operation].to;
}

export type TransitionCheck =
  | { readonly kind: "start"; readonly transition: PhaseTransition }
  | { readonly kind: "resume"; readonly transition: PhaseTransition }
  | { readonly kind: "refused"; readonly reason: string };

export function operationsFrom(phase: PhaseName): OperationName[] {
  return OPERATIONS.filter((operation) => PHASE_TRANSITIONS[operation].from.includes(phase));
}

export function checkTransition(current: PhaseRecord, operation: OperationName): TransitionCheck {
  const transition = PHASE_TRANSITIONS[operation] as PhaseTransition | undefined;
  if (!transition) return { kind: "refused", reason: `"${operation}" is not a known operation.` };
  // The operation that put the pair in its phase may be rerun to finish. A
  // record written by hand may lack the operation; outside `normal` (which is
  // also every pair's default) the phase alone then tells.
  const resumable = current.operation === operation || (current.operation === undefined && current.phase !== "normal");
  if (transition.to === current.phase && resumable) return { kind: "resume", transition };
  if (transition.from.includes(current.phase)) return { kind: "start", transition };
  const allowed = operationsFrom(current.phase);
  const next = allowed.length
    ? `from "${current.phase}" run ${allowed.join(" or ")}`
    : `no operation leaves "${current.phase}" yet`;
  return {
    kind: "refused",
    reason: `${operation} is not allowed while the pair is "${current.phase}"; ${next}.`,
  };
}
