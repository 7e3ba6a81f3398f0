import * as fs from "fs";
import { parseTree, Node as JsonNode } from "jsonc-parser";
import writeFileAtomic from "write-file-atomic";
import { z } from "zod";
import { NORMAL, PhaseRecord, phaseRecordSchema } from "./phase-record";
import { UserError } from "../user-error";
import { STACK_NAME } from "../stack-name";

/** The phase file's name, at the project root. It is committed. */
export const PHASE_FILE_NAME = "crdr-phases.json";

const phaseFileSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  pairs: z.record(z.string().regex(STACK_NAME, "not a stack name (letters, digits, _ and -, starting with a letter)"), phaseRecordSchema),
});

const COMMENT =
  "DR phase of each CRDR pair (stack). Written by the failover tooling, read by main.ts at synth. Commit it.";

/**
 * The committed record of which DR phase each pair is in. A missing file, or a
 * pair missing from it, means `normal`.
 */
export class PhaseFile {
  static load(file: string): PhaseFile {
    if (!fs.existsSync(file)) return new PhaseFile(file, new Map());
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new UserError(
        `The phase file ${file} is not valid JSON (${(err as Error).message}); restore it from git or fix the syntax.`,
      );
    }
    const duplicates = duplicateKeys(fs.readFileSync(file, "utf8"));
    if (duplicates.length) {
      throw new UserError(`The phase file ${file} names ${duplicates.slice(0, 3).map((k) => `"${k}"`).join(", ")}${duplicates.length > 3 ? ` and ${duplicates.length - 3} more` : ""} twice (only one entry would count); keep one entry per key, or restore the file from git.`);
    }
    // Checked on the raw object: a "__proto__" key would not survive the schema's copy to be refused there.
    const pairs = (raw as { pairs?: unknown })?.pairs;
    const badNames = pairs && typeof pairs === "object" ? Object.keys(pairs).filter((k) => !STACK_NAME.test(k)) : [];
    if (badNames.length) {
      throw new UserError(`The phase file ${file} names ${someOf(badNames.map((k) => JSON.stringify(k).slice(1, -1)))}, which cannot be a stack name (letters, digits, "_" and "-", starting with a letter); fix the stack name or remove the entry.`);
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
    return new PhaseFile(file, new Map(Object.entries(parsed.data.pairs)));
  }

  /** A phase file that exists only in memory (reviews of hypothetical phases, tests). */
  static inMemory(pairs: Record<string, PhaseRecord>): PhaseFile {
    return new PhaseFile("(in memory)", new Map(Object.entries(pairs)));
  }

  private constructor(
    readonly file: string,
    // A Map: stack names come from the command line and the file, and must never reach Object's own keys (`__proto__`).
    private readonly pairs: ReadonlyMap<string, PhaseRecord>,
  ) {}

  phaseOf(stack: string): PhaseRecord {
    return this.pairs.get(stack) ?? NORMAL;
  }

  stacks(): string[] {
    return [...this.pairs.keys()].sort();
  }

  /** Returns a copy with `stack` set to `record`; call `save()` to persist it. */
  with(stack: string, record: PhaseRecord): PhaseFile {
    return new PhaseFile(this.file, new Map(this.pairs).set(stack, record));
  }

  /** Refuses entries for pairs that are not declared, which usually means a typo or a renamed stack. */
  assertOnlyDeclared(declared: readonly string[]): void {
    const known = new Set(declared);
    const unknown = this.stacks().filter((s) => !known.has(s));
    if (unknown.length) {
      throw new UserError(
        `The phase file ${this.file} names ${someOf(unknown)}, which main.ts does not declare ` +
          `(declared: ${someOf(declared) || "none"}); fix the stack name or remove the entry.`,
      );
    }
  }

  save(): void {
    const sorted = Object.fromEntries(this.stacks().map((stack) => [stack, this.pairs.get(stack)!]));
    const content = { $comment: COMMENT, version: 1, pairs: sorted };
    writeFileAtomic.sync(this.file, JSON.stringify(content, null, 2) + "\n");
  }
}

/** A few names and how many more: a file naming thousands must still give a readable message. */
function someOf(names: readonly string[], shown = 5): string {
  const quoted = names.slice(0, shown).map((s) => `"${s}"`).join(", ");
  return names.length > shown ? `${quoted} and ${names.length - shown} more` : quoted;
}

/** Keys that appear twice in one object anywhere in `text` (JSON.parse keeps the last silently). */
function duplicateKeys(text: string): string[] {
  const found = new Set<string>();
  const walk = (node: JsonNode | undefined): void => {
    if (!node) return;
    if (node.type === "object") {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const key = String(property.children?.[0]?.value);
        if (seen.has(key)) found.add(key);
        seen.add(key);
      }
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(parseTree(text));
  return [...found];
}
