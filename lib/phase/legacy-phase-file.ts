import * as fs from "fs";
import writeFileAtomic from "write-file-atomic";
import { PhaseRecord, phaseFileSchemas } from "./phase-record";
import { UserError } from "../user-error";
import { STACK_NAME } from "../stack-name";
import { duplicateKeys, someOf } from "./duplicate-keys";

const COMMENT =
  "DR phase of each CRDR pair (stack). Written by the failover tooling, read by main.ts at synth. Commit it.";

/**
 * The old single phase file (`crdr-phases.json`, every pair in one file),
 * read until `npm run phase-migrate` moves it into the phase folder, and
 * written by a run that finds no folder yet: an outage is no time to change
 * formats. Two pairs' pull requests conflict in it, hence the folder.
 */
export class LegacyPhaseFile {
  static load(file: string): LegacyPhaseFile {
    if (!fs.existsSync(file)) return new LegacyPhaseFile(file, new Map());
    const text = fs.readFileSync(file, "utf8");
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new UserError(
        `The phase file ${file} is not valid JSON (${(err as Error).message}); restore it from git or fix the syntax.`,
      );
    }
    const duplicates = duplicateKeys(text);
    if (duplicates.length) {
      throw new UserError(
        `The phase file ${file} names ${duplicates
          .slice(0, 3)
          .map((k) => `"${k}"`)
          .join(
            ", ",
          )}${duplicates.length > 3 ? ` and ${duplicates.length - 3} more` : ""} twice (only one entry would count); keep one entry per key, or restore the file from git.`,
      );
    }
    // Checked on the raw object: a "__proto__" key would not survive the schema's copy to be refused there.
    const pairs = (raw as { pairs?: unknown })?.pairs;
    const badNames = pairs && typeof pairs === "object" ? Object.keys(pairs).filter((k) => !STACK_NAME.test(k)) : [];
    if (badNames.length) {
      throw new UserError(
        `The phase file ${file} names ${someOf(badNames.map((k) => JSON.stringify(k).slice(1, -1)))}, which cannot be a stack name (letters, digits, "_" and "-", starting with a letter); fix the stack name or remove the entry.`,
      );
    }
    const parsed = phaseFileSchemas().legacyPhaseFileSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`)
        .join("; ");
      throw new UserError(
        `The phase file ${file} is malformed (${problems}); restore it from git or correct those fields.`,
      );
    }
    return new LegacyPhaseFile(file, new Map(Object.entries(parsed.data.pairs)));
  }

  private constructor(
    readonly file: string,
    // A Map: stack names come from the command line and the file, and must never reach Object's own keys (`__proto__`).
    readonly records: ReadonlyMap<string, PhaseRecord>,
  ) {}

  /** Returns a copy with `stack` set to `record`; call `save()` to persist it. */
  with(stack: string, record: PhaseRecord): LegacyPhaseFile {
    return new LegacyPhaseFile(this.file, new Map(this.records).set(stack, record));
  }

  save(): void {
    const sorted = Object.fromEntries(
      [...this.records.keys()].sort().map((stack) => [stack, this.records.get(stack)!]),
    );
    const content = { $comment: COMMENT, version: 1, pairs: sorted };
    writeFileAtomic.sync(this.file, JSON.stringify(content, null, 2) + "\n");
  }
}
