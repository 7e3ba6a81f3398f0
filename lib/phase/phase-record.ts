import { z } from "zod";
import { OPERATIONS } from "./operation-names";

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

const recordBase = {
  /** When the pair entered this phase (ISO 8601). */
  since: z.iso.datetime({ offset: true }).optional(),
  /** The operation that put the pair in this phase. */
  operation: z.enum(OPERATIONS).optional(),
  /** The run of that operation, as named in the journal. */
  runId: z.string().min(1).optional(),
};

/** An import the synthesized config carries until an apply has brought it into state. */
const pendingImportSchema = z.strictObject({
  /** The Terraform address, such as `aiven_pg.primary`. */
  address: z.string().regex(/^[a-z0-9_]+\.[A-Za-z0-9_-]+$/),
  /** The import id: `PROJECT/SERVICE_NAME` or `PROJECT/INTEGRATION_ID`. */
  id: z.string().min(3),
});

/**
 * After a revert, what Terraform must import rather than create: the
 * forgotten primary and the integration Aiven kept. Carried through later
 * phases (in which all three resources are declared) until state holds them.
 */
const pendingImports = z.array(pendingImportSchema).optional();

export const phaseRecordSchema = z.discriminatedUnion("phase", [
  z.strictObject({ phase: z.literal("normal"), pendingImports, ...recordBase }),
  /** A planned switchover: the recovery service is active, the primary passive, the link kept. */
  z.strictObject({ phase: z.literal("switched-over"), pendingImports, ...recordBase }),
  z.strictObject({ phase: z.literal("failed-over"), primary: z.enum(PRIMARY_DISPOSITIONS), ...recordBase }),
]);

export type PendingImport = z.infer<typeof pendingImportSchema>;
export type PhaseRecord = z.infer<typeof phaseRecordSchema>;
export type NormalPhase = Extract<PhaseRecord, { phase: "normal" }>;
export type FailedOverPhase = Extract<PhaseRecord, { phase: "failed-over" }>;

export function pendingImportsOf(record: PhaseRecord): readonly PendingImport[] {
  return record.phase === "failed-over" ? [] : (record.pendingImports ?? []);
}

export const NORMAL: NormalPhase = Object.freeze({ phase: "normal" });
