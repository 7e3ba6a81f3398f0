import * as fs from "fs";
import * as path from "path";
import writeFileAtomic from "write-file-atomic";
import { z } from "zod";
import { NORMAL, PhaseRecord, phaseRecordSchema } from "./phase-record";
import { UserError } from "../user-error";

/** The phase file's name, at the project root. It is committed. */
export const PHASE_FILE_NAME = "crdr-phases.json";

const phaseFileSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  pairs: z.record(z.string().min(1), phaseRecordSchema),
});

const COMMENT =
  "DR phase of each CRDR pair (stack). Written by the failover tooling, read by main.ts at synth. Commit it.";

/**
 * The committed record of which DR phase each pair is in. A missing file, or a
 * pair missing from it, means `normal`.
 */
export class PhaseFile {
  static pathIn(projectDir: string): string {
    return path.join(projectDir, PHASE_FILE_NAME);
  }

  static load(file: string): PhaseFile {
    if (!fs.existsSync(file)) return new PhaseFile(file, {});
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new UserError(
        `The phase file ${file} is not valid JSON (${(err as Error).message}); restore it from git or fix the syntax.`,
      );
    }
    const parsed = phaseFileSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`)
        .join("; ");
      throw new UserError(
        `The phase file ${file} is malformed (${problems}); restore it from git or correct those fields.`,
      );
    }
    return new PhaseFile(file, parsed.data.pairs);
  }

  /** A phase file that exists only in memory (reviews of hypothetical phases, tests). */
  static inMemory(pairs: Record<string, PhaseRecord>): PhaseFile {
    return new PhaseFile("(in memory)", { ...pairs });
  }

  private constructor(
    readonly file: string,
    private readonly pairs: Record<string, PhaseRecord>,
  ) {}

  phaseOf(stack: string): PhaseRecord {
    return this.pairs[stack] ?? NORMAL;
  }

  stacks(): string[] {
    return Object.keys(this.pairs).sort();
  }

  /** Returns a copy with `stack` set to `record`; call `save()` to persist it. */
  with(stack: string, record: PhaseRecord): PhaseFile {
    return new PhaseFile(this.file, { ...this.pairs, [stack]: record });
  }

  /** Refuses entries for pairs that are not declared, which usually means a typo or a renamed stack. */
  assertOnlyDeclared(declared: readonly string[]): void {
    const unknown = this.stacks().filter((s) => !declared.includes(s));
    if (unknown.length) {
      throw new UserError(
        `The phase file ${this.file} names ${unknown.map((s) => `"${s}"`).join(", ")}, which main.ts does not declare ` +
          `(declared: ${declared.map((s) => `"${s}"`).join(", ") || "none"}); fix the stack name or remove the entry.`,
      );
    }
  }

  save(): void {
    const sorted: Record<string, PhaseRecord> = {};
    for (const stack of this.stacks()) sorted[stack] = this.pairs[stack];
    const content = { $comment: COMMENT, version: 1, pairs: sorted };
    writeFileAtomic.sync(this.file, JSON.stringify(content, null, 2) + "\n");
  }
}
