import type { z } from "zod";
import type * as PhaseFileSchemas from "./phase-file-schemas";

/**
 * The disaster-recovery phase a pair is in, as recorded in the phase file.
 *
 * A phase decides what the pair synthesizes (`phase-layout.ts`), what Aiven
 * should show (`lib/contract/expected-roles.ts`) and which operations may run next
 * (`phase-transitions.ts`). Each of those is a table keyed by the phase or
 * the operation, so adding one fails to compile until every table knows it.
 * The types here are derived from the schema the phase file is checked with.
 */
export const PHASES = ["normal", "failed-over", "switched-over"] as const;
export type PhaseName = (typeof PHASES)[number];

/**
 * What happened to the primary's Terraform resource when the pair failed over:
 * - `forgotten`: removed from Terraform state because its region was
 *   unreachable; the config no longer declares it.
 * - `frozen`: still in state and config, with every change ignored, because
 *   any provider update would power the failed primary back on.
 */
export const PRIMARY_DISPOSITIONS = ["forgotten", "frozen"] as const;
export type PrimaryDisposition = (typeof PRIMARY_DISPOSITIONS)[number];

export { OPERATIONS, type OperationName } from "./operation-names";

export type PendingImport = z.infer<typeof PhaseFileSchemas.pendingImportSchema>;
export type PhaseRecord = z.infer<typeof PhaseFileSchemas.phaseRecordSchema>;
export type NormalPhase = Extract<PhaseRecord, { phase: "normal" }>;
export type FailedOverPhase = Extract<PhaseRecord, { phase: "failed-over" }>;

export function pendingImportsOf(record: PhaseRecord): readonly PendingImport[] {
  return record.phase === "failed-over" ? [] : (record.pendingImports ?? []);
}

export const NORMAL: NormalPhase = Object.freeze({ phase: "normal" });

/**
 * The schemas a phase file is checked with (`phase-file-schemas.ts`), loaded
 * with zod at the first phase file read rather than at start-up: zod is about
 * a tenth of a second of a command's start-up, and a run that finds no phase
 * file (every pair still normal) never needs it.
 */
export function phaseFileSchemas(): typeof PhaseFileSchemas {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./phase-file-schemas") as typeof PhaseFileSchemas;
}
