import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LegacyPhaseFile } from "../lib/phase/legacy-phase-file";
import { layoutFor } from "../lib/phase/phase-layout";
import { checkTransition, PHASE_TRANSITIONS } from "../lib/phase/phase-transitions";
import { PHASES, PhaseRecord } from "../lib/phase/phase-record";

describe("phase layouts", () => {
  it.each<[PhaseRecord, ReturnType<typeof layoutFor>]>([
    [{ phase: "normal" }, { primary: "managed", recovery: "managed", integration: "managed" }],
    [
      { phase: "failed-over", primary: "frozen" },
      { primary: "frozen", recovery: "managed", integration: "forgotten" },
    ],
    [
      { phase: "failed-over", primary: "forgotten" },
      { primary: "forgotten", recovery: "managed", integration: "forgotten" },
    ],
    [{ phase: "switched-over" }, { primary: "managed", recovery: "managed", integration: "frozen" }],
  ])("%j lays out %j", (record, layout) => {
    expect(layoutFor(record)).toEqual(layout);
  });

  it("never manages a primary in a phase where it is failed", () => {
    expect(layoutFor({ phase: "failed-over", primary: "frozen" }).primary).not.toBe("managed");
  });
});

describe("phase transitions", () => {
  const failedOver: PhaseRecord = { phase: "failed-over", primary: "frozen", operation: "failover" };
  it.each<[PhaseRecord, string, string]>([
    [{ phase: "normal" }, "failover", "start"],
    [{ phase: "normal" }, "switchover", "start"],
    [{ phase: "normal" }, "revert", "refused"],
    [{ phase: "normal" }, "switchback", "refused"],
    [failedOver, "failover", "resume"],
    [failedOver, "revert", "start"],
    [failedOver, "switchover", "refused"],
    [failedOver, "switchback", "refused"],
    [{ phase: "failed-over", primary: "forgotten" }, "failover", "resume"],
    [{ phase: "switched-over", operation: "switchover" }, "switchover", "resume"],
    [{ phase: "switched-over", operation: "switchover" }, "switchback", "start"],
    [{ phase: "switched-over", operation: "switchover" }, "failover", "refused"],
    [{ phase: "switched-over", operation: "switchover" }, "revert", "refused"],
    [{ phase: "normal", operation: "revert" }, "revert", "resume"],
    [{ phase: "normal", operation: "switchback" }, "switchback", "resume"],
    [{ phase: "normal", operation: "switchback" }, "revert", "refused"],
    [{ phase: "normal", operation: "revert" }, "failover", "start"],
  ])("from %j, %s is a %s", (record, operation, kind) => {
    expect(checkTransition(record, operation as "failover").kind).toBe(kind);
  });

  it("says which operations are allowed when refusing", () => {
    expect(checkTransition({ phase: "switched-over" }, "failover")).toEqual({
      kind: "refused",
      reason: 'failover is not allowed while the pair is "switched-over"; from "switched-over" run switchback.',
    });
  });

  it("names only known phases", () => {
    for (const t of Object.values(PHASE_TRANSITIONS)) {
      expect(PHASES).toContain(t.to);
      for (const from of t.from) expect(PHASES).toContain(from);
    }
  });

  it("refuses an unknown operation with a sentence", () => {
    expect(checkTransition({ phase: "normal" }, "teleport" as never)).toEqual({
      kind: "refused",
      reason: '"teleport" is not a known operation.',
    });
  });
});

describe("the old single phase file", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-phases-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = () => path.join(dir, "crdr-phases.json");

  it("holds no record when missing", () => {
    expect(LegacyPhaseFile.load(file()).records.size).toBe(0);
  });

  it("round-trips records, sorted by stack", () => {
    LegacyPhaseFile.load(file())
      .with("zeta", {
        phase: "failed-over",
        primary: "forgotten",
        since: "2026-11-25T10:00:00.000Z",
        operation: "failover",
        runId: "r1",
      })
      .with("alpha", { phase: "normal" })
      .save();
    const json = JSON.parse(fs.readFileSync(file(), "utf8"));
    expect(Object.keys(json.pairs)).toEqual(["alpha", "zeta"]);
    expect(json.version).toBe(1);
    expect(LegacyPhaseFile.load(file()).records.get("zeta")).toEqual({
      phase: "failed-over",
      primary: "forgotten",
      since: "2026-11-25T10:00:00.000Z",
      operation: "failover",
      runId: "r1",
    });
  });

  it.each([
    ["not JSON", "{", /is not valid JSON .*; restore it from git or fix the syntax\./],
    [
      "an unknown phase",
      JSON.stringify({ version: 1, pairs: { a: { phase: "sideways" } } }),
      /is malformed \(pairs\.a\.phase: .*\); restore it from git or correct those fields\./,
    ],
    [
      "a failed-over pair without the primary's fate",
      JSON.stringify({ version: 1, pairs: { a: { phase: "failed-over" } } }),
      /pairs\.a\.primary/,
    ],
    [
      "a bad timestamp",
      JSON.stringify({ version: 1, pairs: { a: { phase: "normal", since: "yesterday" } } }),
      /pairs\.a\.since/,
    ],
    ["an unknown version", JSON.stringify({ version: 2, pairs: {} }), /version/],
    ["an unknown field", JSON.stringify({ version: 1, pairs: { a: { phase: "normal", colour: "red" } } }), /colour/],
  ])("refuses %s with a clear message", (_what, content, message) => {
    fs.writeFileSync(file(), content);
    expect(() => LegacyPhaseFile.load(file())).toThrow(message);
  });
});
