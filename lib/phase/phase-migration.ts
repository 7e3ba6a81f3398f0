import * as fs from "fs";
import { UserError } from "../user-error";
import { LegacyPhaseFile } from "./legacy-phase-file";
import { contradictions, legacyPhaseFileOf, readFolder, sameRecord, twoSourcesError } from "./phase-folder";
import { pairPhaseFile, writePairPhaseFile } from "./pair-phase-file";
import { someOf } from "./duplicate-keys";

export interface PhaseMigration {
  /** The old single file, which no longer exists when the migration ran. */
  readonly legacyFile: string;
  /** Whether there was an old file to move. */
  readonly migrated: boolean;
  /** The pairs whose records were written into the folder by this run. */
  readonly written: readonly string[];
  /** The pairs the folder holds, each checked equal to the old file's record. */
  readonly verified: readonly string[];
}

/**
 * Moves the old single phase file (`crdr-phases.json`) into the phase folder:
 * one file per pair, each read back and compared with the old record, and
 * only then the old file removed. A rerun after a stop half-way finishes the
 * move; a folder that contradicts the old file is refused, nothing changed.
 * The caller holds `withFileLock(dir)`, as every phase writer does.
 */
export function migratePhaseFile(
  dir: string,
  /** The stacks main.ts declares, asked only when there is an old file to move; undefined when unknown. */
  declared: (folderExists: boolean) => readonly string[] | undefined = () => undefined,
): PhaseMigration {
  const legacyFile = legacyPhaseFileOf(dir);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    throw new UserError(
      `${dir} is a file, where the phase folder (one file per pair) belongs; move it away (it is not a phase file), then rerun. Nothing was migrated.`,
    );
  }
  if (!fs.existsSync(legacyFile)) return { legacyFile, migrated: false, written: [], verified: [] };
  const legacy = LegacyPhaseFile.load(legacyFile).records;
  const before = readFolder(dir);
  if (contradictions(before, legacy).length) throw twoSourcesError(dir, before, legacy);
  // Moved into the folder, an undeclared pair's record would stop synth just as it does in the old file.
  const stacks = declared(before.size > 0);
  const undeclared = stacks ? [...legacy.keys()].filter((s) => !stacks.includes(s)).sort() : [];
  if (undeclared.length) {
    throw new UserError(
      `${legacyFile} names ${someOf(undeclared)}, which main.ts does not declare (declared in cdktf.out: ${someOf(stacks!) || "none"}); fix the stack name or remove the entry (run npm run synth first if main.ts changed since), then rerun. Nothing was migrated.`,
    );
  }
  const written = [...legacy.keys()].sort().filter((stack) => !before.has(stack));
  for (const stack of written) writePairPhaseFile(pairPhaseFile(dir, stack), legacy.get(stack)!);
  const after = readFolder(dir);
  const unequal = [...new Set([...after.keys(), ...legacy.keys()])].filter(
    (s) => !sameRecord(after.get(s), legacy.get(s)),
  );
  if (unequal.length) {
    throw new Error(
      `the phase folder ${dir} does not read back as ${legacyFile} (${unequal.join(", ")}); ${legacyFile} was kept`,
    );
  }
  fs.rmSync(legacyFile);
  return { legacyFile, migrated: true, written, verified: [...after.keys()].sort() };
}
