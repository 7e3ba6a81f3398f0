/**
 * The disaster-recovery phase a pair is in, as recorded in the phase file.
 *
 * The phase decides what the pair synthesizes (see `phase-layout.ts`) and which
 * operations may run next (see `phase-transitions.ts`). Adding a phase means
 * adding it here, giving it a layout, and naming the transitions into and out
 * of it; the compiler then points at every switch that must learn about it.
 */
export const PHASES = ["normal", "failed-over", "switched-over"] as const;
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
export const OPERATIONS = ["failover", "revert", "switchover", "switchback"] as const;
export type OperationName = (typeof OPERATIONS)[number];

interface PhaseRecordBase {
  /** When the pair entered this phase (ISO 8601). */
  readonly since?: string;
  /** The operation that put the pair in this phase. */
  readonly operation?: OperationName;
  /** The run of that operation, as named in the journal. */
  readonly runId?: string;
}

/** An import the synthesized config carries until an apply has brought it into state. */
export interface PendingImport {
  /** The Terraform address, such as `aiven_pg.primary`. */
  readonly address: string;
  /** The import id: `PROJECT/SERVICE_NAME` or `PROJECT/INTEGRATION_ID`. */
  readonly id: string;
}

/** Phases in which all three resources are declared, so imports can be pending. */
interface WithPendingImports {
  /**
   * After a failback, what Terraform must import rather than create: the
   * forgotten primary and the integration Aiven kept. Carried through later
   * phases until state holds them.
   */
  readonly pendingImports?: readonly PendingImport[];
}

export interface NormalPhase extends PhaseRecordBase, WithPendingImports {
  readonly phase: "normal";
}

export interface FailedOverPhase extends PhaseRecordBase {
  readonly phase: "failed-over";
  readonly primary: PrimaryDisposition;
}

/** A planned switchover: the recovery service is active, the primary passive, the link kept. */
export interface SwitchedOverPhase extends PhaseRecordBase, WithPendingImports {
  readonly phase: "switched-over";
}

export function pendingImportsOf(record: PhaseRecord): readonly PendingImport[] {
  return record.phase === "failed-over" ? [] : (record.pendingImports ?? []);
}

export type PhaseRecord = NormalPhase | FailedOverPhase | SwitchedOverPhase;

export const NORMAL: NormalPhase = Object.freeze({ phase: "normal" });
