import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PhaseFolder, sameRecord } from "../lib/phase/phase-folder";
import { migratePhaseFile } from "../lib/phase/phase-migration";
import { PhaseRecord } from "../lib/phase/phase-record";
import { settingsForTooling } from "../lib/settings/tool-settings";
import { settingsFrom } from "../lib/settings/app-settings";
import { UserError } from "../lib/user-error";

const FAILED_OVER: PhaseRecord = {
  phase: "failed-over",
  primary: "forgotten",
  since: "2026-11-25T10:00:00.000Z",
  operation: "failover",
  runId: "r1",
};
const SWITCHED: PhaseRecord = {
  phase: "switched-over",
  since: "2026-11-26T10:00:00.000Z",
  operation: "switchover",
  runId: "r2",
};

let project: string;
let dir: string;
let legacy: string;
beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-phase-folder-"));
  dir = path.join(project, "crdr-phases");
  legacy = path.join(project, "crdr-phases.json");
});
afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

const writeLegacy = (pairs: Record<string, unknown>) =>
  fs.writeFileSync(legacy, JSON.stringify({ version: 1, pairs }, null, 2));
const writePair = (stack: string, content: unknown) => {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, `${stack}.json`),
    typeof content === "string" ? content : JSON.stringify({ version: 1, ...(content as object) }),
  );
};
/** The UserError `fn` throws: its exit code and its message. */
function refusal(fn: () => unknown): { exitCode: number; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return { exitCode: err.exitCode, message: err.message };
    throw err;
  }
  throw new Error("not refused");
}

describe("the phase folder", () => {
  it("means normal for every pair when neither the folder nor the old file exists, and writes the pair's own file", () => {
    const phases = PhaseFolder.load(dir);
    expect(phases.phaseOf("pg-a")).toEqual({ phase: "normal" });
    expect(phases.fileOf("pg-a")).toBe(path.join(dir, "pg-a.json"));
    phases.write("pg-a", FAILED_OVER);
    expect(fs.readdirSync(dir)).toEqual(["pg-a.json"]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "pg-a.json"), "utf8"))).toEqual({
      $comment: expect.stringContaining("pg-a"),
      version: 1,
      ...FAILED_OVER,
    });
    expect(PhaseFolder.load(dir).phaseOf("pg-a")).toEqual(FAILED_OVER);
    expect(PhaseFolder.load(dir).source).toBe("folder");
  });

  it("reads one file per pair; writing one pair's leaves every other file as it was, byte for byte", () => {
    writePair("pg-a", FAILED_OVER);
    writePair("pg-b", SWITCHED);
    const before = fs.readFileSync(path.join(dir, "pg-b.json"), "utf8");
    const phases = PhaseFolder.load(dir);
    expect(phases.stacks()).toEqual(["pg-a", "pg-b"]);
    expect(phases.phaseOf("pg-b")).toEqual(SWITCHED);
    phases.write("pg-a", { phase: "normal", operation: "revert", runId: "r3", since: "2026-11-27T10:00:00.000Z" });
    expect(fs.readFileSync(path.join(dir, "pg-b.json"), "utf8")).toBe(before);
    expect(PhaseFolder.load(dir).phaseOf("pg-a").phase).toBe("normal");
  });

  it("keeps an existing file's mode when it rewrites it, as the single file was", () => {
    writePair("pg-a", FAILED_OVER);
    fs.chmodSync(path.join(dir, "pg-a.json"), 0o640);
    PhaseFolder.load(dir).write("pg-a", SWITCHED);
    expect(fs.statSync(path.join(dir, "pg-a.json")).mode & 0o777).toBe(0o640);
  });

  it("ignores files that are not .json (a README) and refuses a .json file not named after a stack", () => {
    writePair("pg-a", FAILED_OVER);
    fs.writeFileSync(path.join(dir, "README.md"), "phases\n");
    // Nor is a copy whose name only holds .json (in any case) before another ending.
    fs.writeFileSync(path.join(dir, "pg-a.JSON.orig"), "{}");
    expect(PhaseFolder.load(dir).stacks()).toEqual(["pg-a"]);
    fs.writeFileSync(path.join(dir, "__proto__.json"), JSON.stringify({ version: 1, phase: "normal" }));
    expect(refusal(() => PhaseFolder.load(dir))).toEqual({
      exitCode: 2,
      message: `The phase folder ${dir} holds "__proto__.json", which is not named after a stack (letters, digits, "_" and "-", starting with a letter, then .json); rename it to the pair's stack or remove it.`,
    });
  });

  it.each([
    [
      "not JSON",
      "{",
      /^The phase file .*pg-a\.json is not valid JSON \(at line 1, column 2 \(byte offset 1\)\); restore it from git or fix the syntax\.$/,
    ],
    [
      "an unknown phase",
      { phase: "sideways" },
      /^The phase file .*pg-a\.json is malformed \(phase: .*\); restore it from git or correct those fields\.$/,
    ],
    ["a failed-over pair without the primary's fate", { phase: "failed-over" }, /\(primary: /],
    ["an unknown version", JSON.stringify({ version: 2, phase: "normal" }), /\(version: /],
    ["an unknown field", { phase: "normal", colour: "red" }, /colour/],
    [
      "a key twice",
      `{"version":1,"phase":"normal","phase":"switched-over"}`,
      /names "phase" twice \(only one entry would count\)/,
    ],
    ["an array", "[]", /is not a JSON object; restore it from git\.$/],
  ])("refuses a pair's file with %s, in one sentence", (_what, content, message) => {
    writePair("pg-a", content);
    const refused = refusal(() => PhaseFolder.load(dir));
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toMatch(message);
  });

  it("refuses files whose .json is not in lower case, naming each and the name to give it", () => {
    writePair("pg-a", FAILED_OVER);
    fs.writeFileSync(path.join(dir, "pg-b.JSON"), JSON.stringify({ version: 1, ...SWITCHED }));
    expect(refusal(() => PhaseFolder.load(dir))).toEqual({
      exitCode: 2,
      message: `The phase folder ${dir} holds "pg-b.JSON", whose .json is not in lower case, so nothing reads it; rename it to "pg-b.json" (or remove it).`,
    });
    // Written out of name order: the message lists them sorted.
    fs.writeFileSync(path.join(dir, "pg-c.Json"), JSON.stringify({ version: 1, ...SWITCHED }));
    fs.writeFileSync(path.join(dir, "pg-0.jSON"), JSON.stringify({ version: 1, ...SWITCHED }));
    expect(refusal(() => PhaseFolder.readPhaseOf(dir, "pg-a")).message).toBe(
      `The phase folder ${dir} holds "pg-0.jSON", "pg-b.JSON", "pg-c.Json", whose .json is not in lower case, so nothing reads it; rename them to "pg-0.json", "pg-b.json", "pg-c.json" (or remove them).`,
    );
  });

  it("takes a folder inside the phase folder for no phase, even one named like a pair's file", () => {
    writePair("pg-a", FAILED_OVER);
    fs.mkdirSync(path.join(dir, "pg-b.json"));
    fs.mkdirSync(path.join(dir, "archive"));
    expect(PhaseFolder.load(dir).stacks()).toEqual(["pg-a"]);
    expect(PhaseFolder.readPhaseOf(dir, "pg-a")).toEqual(FAILED_OVER);
  });

  it("a folder holding only folders holds no phases: the old file beside it is read", () => {
    writeLegacy({ "pg-a": FAILED_OVER });
    fs.mkdirSync(path.join(dir, "pg-b.json"), { recursive: true });
    expect(PhaseFolder.load(dir).source).toBe("legacy");
    expect(PhaseFolder.load(dir).phaseOf("pg-a")).toEqual(FAILED_OVER);
  });

  it("refuses a file of a pair main.ts does not declare, naming the file to remove", () => {
    writePair("pg-typo", FAILED_OVER);
    expect(refusal(() => PhaseFolder.load(dir).assertOnlyDeclared(["pg-a"])).message).toBe(
      `The phase folder ${dir} holds the phase of "pg-typo", which main.ts does not declare (declared: "pg-a"); fix the stack name or remove the file.`,
    );
  });
});

describe("the old single phase file, before the migration", () => {
  it("is read when the folder does not exist, and a write goes to it (an outage is no time to change formats)", () => {
    writeLegacy({ "pg-a": FAILED_OVER });
    const phases = PhaseFolder.load(dir);
    expect(phases.source).toBe("legacy");
    expect(phases.phaseOf("pg-a")).toEqual(FAILED_OVER);
    expect(phases.fileOf("pg-b")).toBe(legacy);
    phases.write("pg-b", SWITCHED);
    expect(fs.existsSync(dir)).toBe(false);
    expect(JSON.parse(fs.readFileSync(legacy, "utf8")).pairs).toEqual({ "pg-a": FAILED_OVER, "pg-b": SWITCHED });
  });

  it("is read when the folder exists but holds no phase file (git keeps no empty folder)", () => {
    writeLegacy({ "pg-a": FAILED_OVER });
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "README.md"), "phases\n");
    expect(PhaseFolder.load(dir).phaseOf("pg-a")).toEqual(FAILED_OVER);
  });

  it("beside a folder that disagrees with it is refused in one sentence naming the pairs, exit 2", () => {
    writeLegacy({ "pg-a": FAILED_OVER, "pg-b": SWITCHED });
    writePair("pg-a", SWITCHED);
    writePair("pg-b", SWITCHED);
    expect(refusal(() => PhaseFolder.load(dir))).toEqual({
      exitCode: 2,
      message: `The phase folder ${dir} and the old phase file ${legacy} both exist and disagree on "pg-a"; keep the one that is right (the tooling now writes the folder), delete the other, then rerun.`,
    });
  });

  it("beside a folder that agrees with it is still refused: one source of truth, and the migration finishes the move", () => {
    writeLegacy({ "pg-a": FAILED_OVER, "pg-b": SWITCHED });
    writePair("pg-a", FAILED_OVER);
    expect(refusal(() => PhaseFolder.load(dir))).toEqual({
      exitCode: 2,
      message: `The phase folder ${dir} and the old phase file ${legacy} both exist (they do not contradict each other); run npm run phase-migrate to finish the move (it removes the old file), then rerun.`,
    });
  });
});

describe("one pair's record, as an operation reads and writes it under the writers' lock", () => {
  it("goes to the pair's own file in the folder, to the old file before the migration, and is refused with both", () => {
    writePair("pg-b", SWITCHED);
    PhaseFolder.record(dir, "pg-a", FAILED_OVER);
    expect(PhaseFolder.readPhaseOf(dir, "pg-a")).toEqual(FAILED_OVER);
    expect(PhaseFolder.readPhaseOf(dir, "pg-c")).toEqual({ phase: "normal" });
    expect(fs.readdirSync(dir).sort()).toEqual(["pg-a.json", "pg-b.json"]);

    fs.rmSync(dir, { recursive: true });
    writeLegacy({ "pg-b": SWITCHED });
    PhaseFolder.record(dir, "pg-a", FAILED_OVER);
    expect(fs.existsSync(dir)).toBe(false);
    expect(PhaseFolder.readPhaseOf(dir, "pg-a")).toEqual(FAILED_OVER);
    expect(JSON.parse(fs.readFileSync(legacy, "utf8")).pairs).toEqual({ "pg-a": FAILED_OVER, "pg-b": SWITCHED });

    writePair("pg-a", SWITCHED);
    expect(refusal(() => PhaseFolder.record(dir, "pg-a", FAILED_OVER)).message).toMatch(
      /both exist and disagree on "pg-a"/,
    );
    expect(refusal(() => PhaseFolder.readPhaseOf(dir, "pg-a")).message).toMatch(/both exist and disagree on "pg-a"/);
    expect(PhaseFolder.load.bind(null, dir)).toThrow(UserError);
  });
});

describe("one pair's record beside another pair's broken file", () => {
  it("is read and written without reading the other pairs' files (each of a region run's pairs keeps to its own)", () => {
    writePair("pg-a", SWITCHED);
    writePair("pg-b", "{ not json");
    expect(PhaseFolder.readPhaseOf(dir, "pg-a")).toEqual(SWITCHED);
    PhaseFolder.record(dir, "pg-a", FAILED_OVER);
    expect(PhaseFolder.readPhaseOf(dir, "pg-a")).toEqual(FAILED_OVER);
    expect(fs.readFileSync(path.join(dir, "pg-b.json"), "utf8")).toBe("{ not json");
    // Loading the whole folder does read it, and refuses.
    expect(refusal(() => PhaseFolder.load(dir)).message).toMatch(/pg-b\.json/);
  });
});

describe("two records compared", () => {
  it("are the same with their keys in another order, nested ones included, and differ by a field", () => {
    const a = { phase: "normal", pendingImports: [{ address: "aiven_pg.primary", id: "p/pg" }] } as PhaseRecord;
    const b = { pendingImports: [{ id: "p/pg", address: "aiven_pg.primary" }], phase: "normal" } as PhaseRecord;
    expect(sameRecord(a, b)).toBe(true);
    expect(
      sameRecord(a, { ...b, pendingImports: [{ id: "p/other", address: "aiven_pg.primary" }] } as PhaseRecord),
    ).toBe(false);
  });
});

describe("the migration into the folder", () => {
  it("writes one file per pair, each read back equal to the old record, then removes the old file", () => {
    writeLegacy({ "pg-b": SWITCHED, "pg-a": FAILED_OVER });
    const result = migratePhaseFile(dir);
    expect(result).toEqual({
      legacyFile: legacy,
      migrated: true,
      written: ["pg-a", "pg-b"],
      verified: ["pg-a", "pg-b"],
    });
    expect(fs.existsSync(legacy)).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(["pg-a.json", "pg-b.json"]);
    const phases = PhaseFolder.load(dir);
    expect(phases.source).toBe("folder");
    expect(phases.phaseOf("pg-a")).toEqual(FAILED_OVER);
    expect(phases.phaseOf("pg-b")).toEqual(SWITCHED);
  });

  it("finishes a move that stopped half-way (some files written, the old file still there)", () => {
    writeLegacy({ "pg-a": FAILED_OVER, "pg-b": SWITCHED });
    writePair("pg-a", FAILED_OVER);
    expect(migratePhaseFile(dir)).toMatchObject({ migrated: true, written: ["pg-b"], verified: ["pg-a", "pg-b"] });
    expect(fs.existsSync(legacy)).toBe(false);
    expect(PhaseFolder.load(dir).phaseOf("pg-b")).toEqual(SWITCHED);
  });

  it("leaves an operation that read the old file before it recording into the folder after it, never recreating the old file", () => {
    writeLegacy({ "pg-a": FAILED_OVER });
    const readBefore = PhaseFolder.load(dir);
    expect(readBefore.fileOf("pg-b")).toBe(legacy);
    migratePhaseFile(dir);
    // The operation's write, under the same lock, after the migration's.
    PhaseFolder.record(dir, "pg-b", SWITCHED);
    expect(fs.existsSync(legacy)).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(["pg-a.json", "pg-b.json"]);
    expect(PhaseFolder.load(dir).phaseOf("pg-b")).toEqual(SWITCHED);
  });

  it("refuses a folder that contradicts the old file and changes nothing", () => {
    writeLegacy({ "pg-a": FAILED_OVER, "pg-b": SWITCHED });
    writePair("pg-a", SWITCHED);
    const before = fs.readFileSync(legacy, "utf8");
    expect(refusal(() => migratePhaseFile(dir)).message).toMatch(/both exist and disagree on "pg-a"/);
    expect(fs.readFileSync(legacy, "utf8")).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(["pg-a.json"]);
  });

  it("removes an old file that holds no pair, and has nothing to do without one", () => {
    writeLegacy({});
    expect(migratePhaseFile(dir)).toEqual({ legacyFile: legacy, migrated: true, written: [], verified: [] });
    expect(fs.existsSync(legacy)).toBe(false);
    expect(migratePhaseFile(dir)).toEqual({ legacyFile: legacy, migrated: false, written: [], verified: [] });
  });
});

describe("the phase folder setting", () => {
  const context = (values: Record<string, unknown>) => (key: string) => values[key];
  beforeEach(() => fs.writeFileSync(path.join(project, "cdktf.json"), JSON.stringify({ app: "true", context: {} })));

  it("is crdr-phases in the project, or CRDR_PHASE_DIR, or context phaseDir; the tooling and synth agree", () => {
    expect(settingsForTooling(project, {}).phaseDir).toBe(dir);
    expect(settingsForTooling(project, { CRDR_PHASE_DIR: "ops/phases" }).phaseDir).toBe(
      path.join(project, "ops", "phases"),
    );
    expect(settingsFrom(context({ phaseDir: "ops/phases" }), "cdktf.out", { project: "p" }, {}, project).phaseDir).toBe(
      path.join(project, "ops", "phases"),
    );
  });

  it("refuses the old single-file setting, from the environment or the context, saying what to set", () => {
    expect(refusal(() => settingsForTooling(project, { CRDR_PHASE_FILE: "ops/phases.json" }))).toEqual({
      exitCode: 2,
      message:
        'CRDR_PHASE_FILE ("ops/phases.json") is no longer read, since each pair\'s phase is a file of its own in a folder; remove it and set CRDR_PHASE_DIR (or context "phaseDir") to "ops/phases", where ops/phases.json is still read until npm run phase-migrate moves it into that folder.',
    });
    expect(
      refusal(() => settingsFrom(context({ phaseFile: "phases" }), "cdktf.out", { project: "p" }, {}, project)).message,
    ).toBe(
      'cdktf.json context "phaseFile" ("phases") is no longer read, since each pair\'s phase is a file of its own in a folder; rename that file to end in .json, remove the setting, and set CRDR_PHASE_DIR (or context "phaseDir") to its name without .json, then run npm run phase-migrate.',
    );
  });
});
