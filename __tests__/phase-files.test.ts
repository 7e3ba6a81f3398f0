import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { duplicateKeys, someOf } from "../lib/phase/duplicate-keys";
import { LegacyPhaseFile } from "../lib/phase/legacy-phase-file";
import { readPairPhaseFile, writePairPhaseFile } from "../lib/phase/pair-phase-file";
import { PhaseFolder } from "../lib/phase/phase-folder";
import { migratePhaseFile } from "../lib/phase/phase-migration";
import { PhaseRecord } from "../lib/phase/phase-record";
import { UserError } from "../lib/user-error";

/**
 * The files the phases live in, byte for byte, and each way a hand edit can
 * break them: what is written, what is refused and the sentence that says so.
 */
const RECORD: PhaseRecord = {
  phase: "failed-over",
  primary: "frozen",
  since: "2026-11-25T10:00:00.000Z",
  operation: "failover",
  runId: "r1",
};

let project: string;
let dir: string;
let legacy: string;
beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-phase-files-"));
  dir = path.join(project, "crdr-phases");
  legacy = path.join(project, "crdr-phases.json");
});
afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error("not refused");
}
const pairFile = (content: string) => {
  const file = path.join(dir, "pg-a.json");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, content);
  return file;
};

describe("a pair's phase file", () => {
  it("is written whole, named after the pair, with a version, creating the folder", () => {
    const file = path.join(dir, "nested", "pg-a.json");
    writePairPhaseFile(file, { phase: "switched-over", runId: "r2" });
    expect(fs.readFileSync(file, "utf8")).toBe(
      [
        "{",
        '  "$comment": "DR phase of the CRDR pair pg-a. Written by the failover tooling, read by main.ts at synth. Commit it.",',
        '  "version": 1,',
        '  "phase": "switched-over",',
        '  "runId": "r2"',
        "}",
        "",
      ].join("\n"),
    );
    expect(readPairPhaseFile(file)).toEqual({ phase: "switched-over", runId: "r2" });
  });

  it.each([
    ["null", "null"],
    ["a number", "5"],
    ["a string", '"normal"'],
  ])("refuses %s, which is not a JSON object", (_what, content) => {
    const file = pairFile(content);
    expect(refusal(() => readPairPhaseFile(file))).toBe(
      `The phase file ${file} is not a JSON object; restore it from git.`,
    );
  });

  it("names every key written twice, nested ones included", () => {
    const file = pairFile(
      '{"version":1,"version":1,"phase":"normal","pendingImports":[{"address":"aiven_pg.a","address":"aiven_pg.b","id":"p/s"}]}',
    );
    expect(refusal(() => readPairPhaseFile(file))).toBe(
      `The phase file ${file} names "version", "address" twice (only one entry would count); keep one entry per key, or restore the file from git.`,
    );
  });

  it("lists the header's problems and the record's together", () => {
    const file = pairFile(JSON.stringify({ $comment: 5, phase: "failed-over" }));
    const message = refusal(() => readPairPhaseFile(file));
    expect(message).toMatch(
      new RegExp(
        `^The phase file ${file} is malformed \\(\\$comment: [^;]+; version: [^;]+; primary: [^;]+\\); restore it from git or correct those fields\\.$`,
      ),
    );
  });

  it("refuses a header problem alone, the record being fine", () => {
    const file = pairFile(JSON.stringify({ phase: "normal" }));
    expect(refusal(() => readPairPhaseFile(file))).toMatch(/is malformed \(version: [^;]+\); restore it from git/);
  });
});

describe("the old single phase file", () => {
  const write = (content: unknown) =>
    fs.writeFileSync(legacy, typeof content === "string" ? content : JSON.stringify(content));

  it("is written sorted by stack, with its comment and version, two spaces deep and a final newline", () => {
    LegacyPhaseFile.load(legacy).with("pg-b", { phase: "normal" }).with("pg-a", { phase: "switched-over" }).save();
    expect(fs.readFileSync(legacy, "utf8")).toBe(
      [
        "{",
        '  "$comment": "DR phase of each CRDR pair (stack). Written by the failover tooling, read by main.ts at synth. Commit it.",',
        '  "version": 1,',
        '  "pairs": {',
        '    "pg-a": {',
        '      "phase": "switched-over"',
        "    },",
        '    "pg-b": {',
        '      "phase": "normal"',
        "    }",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("names up to three keys written twice and counts the rest", () => {
    write('{"version":1,"version":1,"pairs":{"a":{"phase":"normal"},"a":{"phase":"normal","phase":"normal"}}}');
    expect(refusal(() => LegacyPhaseFile.load(legacy))).toBe(
      `The phase file ${legacy} names "version", "a", "phase" twice (only one entry would count); keep one entry per key, or restore the file from git.`,
    );
    write('{"a":1,"a":1,"b":1,"b":1,"c":1,"c":1,"d":1,"d":1,"e":1,"e":1}');
    expect(refusal(() => LegacyPhaseFile.load(legacy))).toMatch(/ names "a", "b", "c" and 2 more twice \(only one/);
  });

  it("refuses names that cannot be stacks, showing them as written, a few and how many more", () => {
    write({ version: 1, pairs: { "pg a": { phase: "normal" }, 'say "hi"': { phase: "normal" } } });
    expect(refusal(() => LegacyPhaseFile.load(legacy))).toBe(
      `The phase file ${legacy} names "pg a", "say \\"hi\\"", which cannot be a stack name (letters, digits, "_" and "-", starting with a letter); fix the stack name or remove the entry.`,
    );
    write(`{"version":1,"pairs":{"__proto__":{"phase":"normal"}}}`);
    expect(refusal(() => LegacyPhaseFile.load(legacy))).toMatch(/ names "__proto__", which cannot be a stack name/);
  });

  it("says a problem of the whole file is at the top level", () => {
    write("[]");
    expect(refusal(() => LegacyPhaseFile.load(legacy))).toMatch(
      /is malformed \(\(top level\): [^;]+\); restore it from git or correct those fields\.$/,
    );
    write({ version: 1, pairs: { a: { phase: "normal" } }, colour: "red" });
    expect(refusal(() => LegacyPhaseFile.load(legacy))).toMatch(/is malformed \(\(top level\): .*colour/);
  });

  it("reads a file whose pairs are not an object as malformed, not as bad names", () => {
    write({ version: 1, pairs: "pg-a" });
    expect(refusal(() => LegacyPhaseFile.load(legacy))).toMatch(/is malformed \(pairs: /);
    write({ version: 1, pairs: null });
    expect(refusal(() => LegacyPhaseFile.load(legacy))).toMatch(/is malformed \(pairs: [^;]+\); restore it from git/);
    write({ version: 1 });
    expect(refusal(() => LegacyPhaseFile.load(legacy))).toMatch(/is malformed \(pairs: [^;]+\); restore it from git/);
  });

  it("refuses a file holding null, or another value than an object, as malformed at the top level", () => {
    for (const content of ["null", "5", '"pairs"']) {
      write(content);
      expect(refusal(() => LegacyPhaseFile.load(legacy))).toMatch(
        /^The phase file .* is malformed \(\(top level\): [^;]+\); restore it from git or correct those fields\.$/,
      );
    }
  });

  it("names each problem by its dotted path inside the pairs, all of them, apart", () => {
    write({ version: 2, pairs: { "pg-a": { phase: "sideways" }, "pg-b": { phase: "failed-over" } } });
    expect(refusal(() => LegacyPhaseFile.load(legacy))).toMatch(
      /^The phase file .* is malformed \(version: [^;]+; pairs\.pg-a\.phase: [^;]+; pairs\.pg-b\.primary: [^;]+\); restore it from git or correct those fields\.$/,
    );
  });

  it("refuses text that is not JSON, saying where the parser stopped", () => {
    write('{"version": 1, "pairs": {');
    expect(refusal(() => LegacyPhaseFile.load(legacy))).toMatch(
      /^The phase file .*crdr-phases\.json is not valid JSON \(.+\); restore it from git or fix the syntax\.$/,
    );
  });
});

describe("a list of names in a message", () => {
  it("shows five and counts the rest", () => {
    expect(someOf([])).toBe("");
    expect(someOf(["a", "b", "c", "d", "e"])).toBe('"a", "b", "c", "d", "e"');
    expect(someOf(["a", "b", "c", "d", "e", "f", "g"])).toBe('"a", "b", "c", "d", "e" and 2 more');
    expect(someOf(["a", "b", "c"], 2)).toBe('"a", "b" and 1 more');
  });

  it("finds keys twice in one object only, at any depth", () => {
    expect(duplicateKeys('{"a":{"x":1},"b":{"x":2},"c":[{"y":1,"y":2}]}')).toEqual(["y"]);
    expect(duplicateKeys('{"a":1,"a":2,"a":3}')).toEqual(["a"]);
    expect(duplicateKeys("[1, 2]")).toEqual([]);
  });
});

describe("the phase folder's edges", () => {
  const writePair = (stack: string, record: PhaseRecord) => writePairPhaseFile(path.join(dir, `${stack}.json`), record);

  it("refuses a file where the folder belongs, saying how to rename it", () => {
    fs.writeFileSync(dir, "{}");
    expect(refusal(() => PhaseFolder.load(dir))).toBe(
      `The phase folder ${dir} is a file, not a folder; if it is the old single phase file, rename it to ${legacy} and run npm run phase-migrate.`,
    );
    expect(refusal(() => migratePhaseFile(dir))).toBe(
      `${dir} is a file, where the phase folder (one file per pair) belongs; move it away (it is not a phase file), then rerun. Nothing was migrated.`,
    );
    expect(fs.readFileSync(dir, "utf8")).toBe("{}");
  });

  it("names the old file and its entries when the old file holds an undeclared pair, and says when none is declared", () => {
    fs.writeFileSync(legacy, JSON.stringify({ version: 1, pairs: { "pg-typo": RECORD } }));
    expect(refusal(() => PhaseFolder.load(dir).assertOnlyDeclared([]))).toBe(
      `The phase file ${legacy} names "pg-typo", which main.ts does not declare (declared: none); fix the stack name or remove the entry.`,
    );
    expect(() => PhaseFolder.load(dir).assertOnlyDeclared(["pg-typo", "pg-b"])).not.toThrow();
  });

  it("reads the old file when only it exists, for one pair as for all", () => {
    fs.writeFileSync(legacy, JSON.stringify({ version: 1, pairs: { "pg-a": RECORD } }));
    expect(PhaseFolder.readPhaseOf(dir, "pg-a")).toEqual(RECORD);
    expect(PhaseFolder.readPhaseOf(dir, "pg-b")).toEqual({ phase: "normal" });
  });

  it("counts a record the folder holds and the old file lacks as a disagreement, key order aside", () => {
    writePair("pg-a", RECORD);
    // The same record with its keys in another order agrees.
    fs.writeFileSync(
      legacy,
      JSON.stringify({
        version: 1,
        pairs: {
          "pg-a": { runId: "r1", operation: "failover", since: RECORD.since, primary: "frozen", phase: "failed-over" },
        },
      }),
    );
    expect(refusal(() => PhaseFolder.load(dir))).toMatch(/both exist \(they do not contradict each other\)/);
    writePair("pg-c", { phase: "normal" });
    expect(refusal(() => PhaseFolder.load(dir))).toMatch(/both exist and disagree on "pg-c"; keep the one/);
  });

  it("compares pending imports field by field, in their order", () => {
    const imports = [
      { address: "aiven_pg.primary", id: "p/pg" },
      { address: "aiven_service_integration.disaster_recovery", id: "p/i" },
    ];
    writePair("pg-a", { phase: "normal", pendingImports: imports });
    fs.writeFileSync(
      legacy,
      JSON.stringify({
        version: 1,
        pairs: { "pg-a": { phase: "normal", pendingImports: imports.map(({ address, id }) => ({ id, address })) } },
      }),
    );
    expect(refusal(() => PhaseFolder.load(dir))).toMatch(/do not contradict each other/);
    fs.writeFileSync(
      legacy,
      JSON.stringify({ version: 1, pairs: { "pg-a": { phase: "normal", pendingImports: [...imports].reverse() } } }),
    );
    expect(refusal(() => PhaseFolder.load(dir))).toMatch(/disagree on "pg-a"/);
  });

  it("knows the newest change among the folder, its files and the old file, and none when there are none", () => {
    expect(PhaseFolder.newestChange(dir)).toBe(0);
    writePair("pg-a", RECORD);
    writePair("pg-b", RECORD);
    const at = (file: string, seconds: number) => fs.utimesSync(file, seconds, seconds);
    at(path.join(dir, "pg-a.json"), 2_000_000_000);
    at(path.join(dir, "pg-b.json"), 1_900_000_000);
    at(dir, 1_800_000_000);
    expect(PhaseFolder.newestChange(dir)).toBe(2_000_000_000_000);
    fs.writeFileSync(legacy, "{}");
    at(legacy, 2_100_000_000);
    expect(PhaseFolder.newestChange(dir)).toBe(2_100_000_000_000);
    fs.rmSync(dir, { recursive: true });
    fs.writeFileSync(dir, "");
    at(dir, 2_200_000_000);
    expect(PhaseFolder.newestChange(dir)).toBe(2_200_000_000_000);
  });

  it("holds phases in memory that can be read but never written", () => {
    const phases = PhaseFolder.inMemory({ "pg-b": RECORD, "pg-a": { phase: "normal" } });
    expect(phases.source).toBe("memory");
    expect(phases.stacks()).toEqual(["pg-a", "pg-b"]);
    expect(phases.phaseOf("pg-b")).toEqual(RECORD);
    expect(phases.phaseOf("pg-c")).toEqual({ phase: "normal" });
    expect(() => phases.write("pg-a", RECORD)).toThrow("phases in memory cannot be written");
  });
});

describe("a pair's phase file, nested problems", () => {
  it("names a problem inside a pending import by its dotted path", () => {
    const file = pairFile(
      JSON.stringify({ version: 1, phase: "normal", pendingImports: [{ address: "aiven_pg.primary", id: "p" }] }),
    );
    expect(refusal(() => readPairPhaseFile(file))).toMatch(
      /is malformed \(pendingImports\.0\.id: [^;]+\); restore it from git or correct those fields\.$/,
    );
  });
});
