/**
 * The disaster-recovery phase a pair is in, as recorded in the phase file.
 *
 * The phase decides what the pair synthesizes (see `phase-layout.ts`) and which
 * operations may run next (see `phase-transitions.ts`). Adding a phase means
 * adding it here, giving it a layout, and naming the transitions into and out
 * of it; the compiler then points at every switch that must learn about it.
 */
export const PHASES = ["normal", "failed-over"] as const;
export type PhaseName = (typeof PHASES)[number];

/** What happened to the primary's Terraform resource when the pair failed over. */
export const PRIMARY_DISPOSITIONS = ["forgotten", "frozen"] as const;
/**
 * - `forgotten`: removed from Terraform state because its region was
 *   unreachable; the config no longer declares it.
 * - `frozen`: still in state and config, with every change ignored, because
 *   any provider update would power the failed primary back on.
 */
export type PrimaryDisposition = (typeof PRIMARY_DISPOSITIONS)[number];

/** Operations that move a pair between phases. */
export const OPERATIONS = ["failover"] as const;
export type OperationName = (typeof OPERATIONS)[number];

interface PhaseRecordBase {
  /** When the pair entered this phase (ISO 8601). */
  readonly since?: string;
  /** The operation that put the pair in this phase. */
  readonly operation?: OperationName;
  /** The run of that operation, as named in the journal. */
  readonly runId?: string;
}

export interface NormalPhase extends PhaseRecordBase {
  readonly phase: "normal";
}

export interface FailedOverPhase extends PhaseRecordBase {
  readonly phase: "failed-over";
  readonly primary: PrimaryDisposition;
}

export type PhaseRecord = NormalPhase | FailedOverPhase;

export const NORMAL: NormalPhase = Object.freeze({ phase: "normal" });
