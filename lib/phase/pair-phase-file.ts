import * as fs from "fs";
import * as path from "path";
import writeFileAtomic from "write-file-atomic";
import { PhaseRecord, phaseFileSchemas } from "./phase-record";
import { duplicateKeys } from "./duplicate-keys";
import { jsonErrorLocation } from "../json-error-location";
import { UserError } from "../user-error";

/**
 * One pair's phase, in a file of its own in the phase folder
 * (`crdr-phases/<stack>.json`): phase changes of different pairs touch
 * different files, so their pull requests merge without conflict. The
 * stack is the file's name, and nowhere else.
 */
export const PAIR_PHASE_FILE_VERSION = 1;

export function pairPhaseFile(dir: string, stack: string): string {
  return path.join(dir, `${stack}.json`);
}

export function readPairPhaseFile(file: string): PhaseRecord {
  const text = fs.readFileSync(file, "utf8");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UserError(
      `The phase file ${file} is not valid JSON (at ${jsonErrorLocation(text) ?? "a character JSON does not allow"}); restore it from git or fix the syntax.`,
    );
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length) {
    throw new UserError(
      `The phase file ${file} names ${duplicates.map((k) => `"${k}"`).join(", ")} twice (only one entry would count); keep one entry per key, or restore the file from git.`,
    );
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError(`The phase file ${file} is not a JSON object; restore it from git.`);
  }
  const { $comment, version, ...record } = raw as Record<string, unknown>;
  const { pairPhaseFileHeaderSchema, phaseRecordSchema } = phaseFileSchemas();
  const header = pairPhaseFileHeaderSchema.safeParse({ $comment, version });
  const parsed = phaseRecordSchema.safeParse(record);
  const issues = [...(header.success ? [] : header.error.issues), ...(parsed.success ? [] : parsed.error.issues)];
  if (issues.length || !parsed.success) {
    const problems = issues.map((i) => `${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`).join("; ");
    throw new UserError(
      `The phase file ${file} is malformed (${problems}); restore it from git or correct those fields.`,
    );
  }
  return parsed.data;
}

/** Replaces the file atomically (a new file renamed over it), so a reader never sees half of it. */
export function writePairPhaseFile(file: string, record: PhaseRecord): void {
  const stack = path.basename(file, ".json");
  const content = {
    $comment: `DR phase of the CRDR pair ${stack}. Written by the failover tooling, read by main.ts at synth. Commit it.`,
    version: PAIR_PHASE_FILE_VERSION,
    ...record,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic.sync(file, JSON.stringify(content, null, 2) + "\n");
}
