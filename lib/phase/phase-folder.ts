import * as fs from "fs";
import * as path from "path";
import { NORMAL, PhaseRecord } from "./phase-record";
import { LegacyPhaseFile } from "./legacy-phase-file";
import { pairPhaseFile, readPairPhaseFile, writePairPhaseFile } from "./pair-phase-file";
import { someOf } from "./duplicate-keys";
import { STACK_NAME } from "../stack-name";
import { UserError } from "../user-error";

/** The phase folder's name, at the project root. It is committed. */
export const PHASE_DIR_NAME = "crdr-phases";

/** The old single file the folder replaces: beside it, with the folder's name and `.json` (crdr-phases.json). */
export function legacyPhaseFileOf(dir: string): string {
  return `${dir}.json`;
}

/** Where the records come from, and so where a record is written: the folder, the old single file (not migrated yet), or memory. */
export type PhaseSource = "folder" | "legacy" | "memory";

/**
 * The committed record of which DR phase each pair is in: one file per pair
 * in the phase folder (`crdr-phases/<stack>.json`). A pair without a file
 * means `normal`. Until `npm run phase-migrate` has run, a project keeps its
 * old single file (`crdr-phases.json`) and that is read and written instead;
 * both at once are never read, so the phases have one source of truth.
 *
 * Writers hold `withFileLock(dir)` while they read and write (see `record`),
 * and so does the migration.
 */
export class PhaseFolder {
  static load(dir: string): PhaseFolder {
    const legacy = legacyPhaseFileOf(dir);
    const hasFolder = folderHoldsPhases(dir);
    const hasLegacy = fs.existsSync(legacy);
    if (hasFolder && hasLegacy) throw twoSourcesError(dir, readFolder(dir), LegacyPhaseFile.load(legacy).records);
    if (hasLegacy) return new PhaseFolder(dir, "legacy", LegacyPhaseFile.load(legacy).records);
    return new PhaseFolder(dir, "folder", hasFolder ? readFolder(dir) : new Map());
  }

  /** Phases that exist only in memory (reviews of hypothetical phases, tests). */
  static inMemory(pairs: Record<string, PhaseRecord>): PhaseFolder {
    return new PhaseFolder("(in memory)", "memory", new Map(Object.entries(pairs)));
  }

  /**
   * One pair's record as the files hold it now, reading only that pair's
   * file (each of a region run's pairs reads its own).
   */
  static readPhaseOf(dir: string, stack: string): PhaseRecord {
    const hasFolder = folderHoldsPhases(dir);
    if (!hasFolder || fs.existsSync(legacyPhaseFileOf(dir))) return PhaseFolder.load(dir).phaseOf(stack);
    const file = pairPhaseFile(dir, stack);
    return fs.existsSync(file) ? readPairPhaseFile(file) : NORMAL;
  }

  /**
   * Writes one pair's record where the records are now, without reading the
   * other pairs' files: the caller holds `withFileLock(dir)`. Both the folder
   * and the old file are refused as `load` refuses them.
   */
  static record(dir: string, stack: string, record: PhaseRecord): void {
    const hasFolder = folderHoldsPhases(dir);
    if (hasFolder && !fs.existsSync(legacyPhaseFileOf(dir))) writePairPhaseFile(pairPhaseFile(dir, stack), record);
    else PhaseFolder.load(dir).write(stack, record);
  }

  /** Newest modification among the phase inputs (a file written, added or removed), for deciding whether synth output is stale. */
  static newestChange(dir: string): number {
    const candidates = [dir, legacyPhaseFileOf(dir)];
    if (fs.existsSync(dir) && fs.statSync(dir).isDirectory())
      candidates.push(...fs.readdirSync(dir).map((f) => path.join(dir, f)));
    return Math.max(0, ...candidates.filter((f) => fs.existsSync(f)).map((f) => fs.statSync(f).mtimeMs));
  }

  private constructor(
    readonly dir: string,
    readonly source: PhaseSource,
    // A Map: stack names come from the command line and the files, and must never reach Object's own keys (`__proto__`).
    private readonly pairs: ReadonlyMap<string, PhaseRecord>,
  ) {}

  phaseOf(stack: string): PhaseRecord {
    return this.pairs.get(stack) ?? NORMAL;
  }

  /** The pairs that have a record (whatever its phase). */
  stacks(): string[] {
    return [...this.pairs.keys()].sort();
  }

  /** The file that holds the pair's record, or will once one is written: its own file, or the old single file before the migration. */
  fileOf(stack: string): string {
    return this.source === "legacy" ? legacyPhaseFileOf(this.dir) : pairPhaseFile(this.dir, stack);
  }

  /** Writes the pair's record where this folder's records come from, atomically; the caller holds `withFileLock(dir)` and loaded this under it. */
  write(stack: string, record: PhaseRecord): void {
    if (this.source === "memory") throw new Error("phases in memory cannot be written");
    if (this.source === "legacy") LegacyPhaseFile.load(legacyPhaseFileOf(this.dir)).with(stack, record).save();
    else writePairPhaseFile(pairPhaseFile(this.dir, stack), record);
  }

  /** Refuses records of pairs that are not declared, which usually means a typo or a renamed stack. */
  assertOnlyDeclared(declared: readonly string[]): void {
    const known = new Set(declared);
    const unknown = this.stacks().filter((s) => !known.has(s));
    if (unknown.length) {
      const where =
        this.source === "legacy"
          ? `The phase file ${legacyPhaseFileOf(this.dir)} names`
          : `The phase folder ${this.dir} holds the phase of`;
      throw new UserError(
        `${where} ${someOf(unknown)}, which main.ts does not declare ` +
          `(declared: ${someOf(declared) || "none"}); fix the stack name or remove the ${this.source === "legacy" ? "entry" : "file"}.`,
      );
    }
  }
}

/**
 * Whether the folder holds any phase file: an empty folder (git keeps none,
 * so a checkout has it only when a pair has a record) is no second source.
 */
export function folderHoldsPhases(dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  if (!fs.statSync(dir).isDirectory()) {
    throw new UserError(
      `The phase folder ${dir} is a file, not a folder; if it is the old single phase file, rename it to ${legacyPhaseFileOf(dir)} and run npm run phase-migrate.`,
    );
  }
  return phaseFileNames(dir).length > 0;
}

function phaseFileNames(dir: string): string[] {
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  // Nothing reads "pg-a.JSON": a pair whose record it holds would pass for normal.
  const misnamed = files.filter((f) => /\.json$/i.test(f) && !f.endsWith(".json"));
  if (misnamed.length) {
    throw new UserError(
      `The phase folder ${dir} holds ${someOf(misnamed)}, whose .json is not in lower case, so nothing reads it; rename ${misnamed.length === 1 ? "it" : "them"} to ${someOf(misnamed.map((f) => f.replace(/\.json$/i, ".json")))} (or remove ${misnamed.length === 1 ? "it" : "them"}).`,
    );
  }
  return files.filter((f) => f.endsWith(".json"));
}

/** The folder's records: every `<stack>.json` in it (other files, such as a README, are not phases). */
export function readFolder(dir: string): Map<string, PhaseRecord> {
  if (!fs.existsSync(dir)) return new Map();
  const files = phaseFileNames(dir);
  const badNames = files.filter((f) => !STACK_NAME.test(f.slice(0, -".json".length)));
  if (badNames.length) {
    throw new UserError(
      `The phase folder ${dir} holds ${someOf(badNames)}, which is not named after a stack (letters, digits, "_" and "-", starting with a letter, then .json); rename it to the pair's stack or remove it.`,
    );
  }
  return new Map(files.map((f) => [f.slice(0, -".json".length), readPairPhaseFile(path.join(dir, f))]));
}

/**
 * Both the folder and the old file: never two sources of truth. A folder
 * that holds part of the old file's records and contradicts none of them is
 * a migration that stopped half-way, which `npm run phase-migrate` finishes.
 */
export function twoSourcesError(
  dir: string,
  folder: ReadonlyMap<string, PhaseRecord>,
  legacy: ReadonlyMap<string, PhaseRecord>,
): UserError {
  const contradicting = contradictions(folder, legacy);
  const file = legacyPhaseFileOf(dir);
  return contradicting.length
    ? new UserError(
        `The phase folder ${dir} and the old phase file ${file} both exist and disagree on ${someOf(contradicting)}; keep the one that is right (the tooling now writes the folder), delete the other, then rerun.`,
      )
    : new UserError(
        `The phase folder ${dir} and the old phase file ${file} both exist (they do not contradict each other); run npm run phase-migrate to finish the move (it removes the old file), then rerun.`,
      );
}

/** The pairs the folder records otherwise than the old file (a record the old file lacks included). */
export function contradictions(
  folder: ReadonlyMap<string, PhaseRecord>,
  legacy: ReadonlyMap<string, PhaseRecord>,
): string[] {
  return [...folder.keys()].filter((s) => !sameRecord(folder.get(s), legacy.get(s)));
}

/** Whether two records are the same, field for field (key order aside). */
export function sameRecord(a: PhaseRecord | undefined, b: PhaseRecord | undefined): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)))
        : v,
    ) ?? ""
  );
}
