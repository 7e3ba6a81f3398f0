import { z } from "zod";
import { STACK_NAME } from "../stack-name";
import { OPERATIONS } from "./operation-names";
import { PAIR_PHASE_FILE_VERSION } from "./pair-phase-file";
import { PRIMARY_DISPOSITIONS } from "./phase-record";

/**
 * What a phase file is checked with when it is read: one pair's file
 * (`pair-phase-file.ts`), the old single file (`legacy-phase-file.ts`) and
 * the record both hold, from which `PhaseRecord` is derived. Loaded, with
 * zod, only once a phase file is read (`phaseFileSchemas`).
 */

const recordBase = {
  /** When the pair entered this phase (ISO 8601). */
  since: z.iso.datetime({ offset: true }).optional(),
  /** The operation that put the pair in this phase. */
  operation: z.enum(OPERATIONS).optional(),
  /** The run of that operation, as named in the journal. */
  runId: z.string().min(1).optional(),
};

/** An import the synthesized config carries until an apply has brought it into state. */
export const pendingImportSchema = z.strictObject({
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

/** A pair's own file: the record, under a comment and the format's version. */
export const pairPhaseFileHeaderSchema = z.object({
  $comment: z.string().optional(),
  version: z.literal(PAIR_PHASE_FILE_VERSION),
});

/** The old single file: every pair's record, by stack. */
export const legacyPhaseFileSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  pairs: z.record(
    z.string().regex(STACK_NAME, "not a stack name (letters, digits, _ and -, starting with a letter)"),
    phaseRecordSchema,
  ),
});
