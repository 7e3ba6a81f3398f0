import { describePhase, phaseChangeProblems, samePhase } from "../lib/phase/phase-change";
import { phaseRecordSchema } from "../lib/phase/phase-file-schemas";
import { pendingImportsOf, PhaseRecord } from "../lib/phase/phase-record";
import { checkTransition, operationsFrom, targetPhase } from "../lib/phase/phase-transitions";

/** What a pair's record says, how it may change, and what the tooling would never write. */
const BY_TOOLING = { since: "2026-11-25T10:00:00.000Z", runId: "r1" } as const;
const IMPORT = { address: "aiven_pg.primary", id: "crdr-test/pg-primary" };

describe("a phase record", () => {
  it.each<[PhaseRecord, string]>([
    [{ phase: "normal" }, "normal"],
    [{ phase: "normal", pendingImports: [] }, "normal"],
    [{ phase: "normal", pendingImports: [IMPORT] }, "normal (1 pending import)"],
    [{ phase: "switched-over", pendingImports: [IMPORT, IMPORT] }, "switched-over (2 pending imports)"],
    [{ phase: "failed-over", primary: "frozen" }, "failed-over (primary frozen)"],
    [{ phase: "failed-over", primary: "forgotten", ...BY_TOOLING }, "failed-over (primary forgotten)"],
  ])("%j reads as %s", (record, phrase) => {
    expect(describePhase(record)).toBe(phrase);
  });

  it("carries pending imports outside failed-over only", () => {
    expect(pendingImportsOf({ phase: "normal", pendingImports: [IMPORT] })).toEqual([IMPORT]);
    expect(pendingImportsOf({ phase: "switched-over" })).toEqual([]);
    expect(pendingImportsOf({ phase: "failed-over", primary: "frozen" })).toEqual([]);
  });

  it("is the same phase whenever and by whichever run it was written, and not when what it says differs", () => {
    const a: PhaseRecord = { phase: "failed-over", primary: "frozen", operation: "failover", ...BY_TOOLING };
    expect(samePhase(a, { phase: "failed-over", primary: "frozen" })).toBe(true);
    expect(samePhase(a, { ...a, since: "2026-12-01T00:00:00.000Z", runId: "r9", operation: "revert" })).toBe(true);
    expect(samePhase(a, { ...a, primary: "forgotten" })).toBe(false);
    expect(samePhase({ phase: "normal" }, { phase: "normal", pendingImports: [IMPORT] })).toBe(false);
    expect(samePhase({ phase: "normal" }, { phase: "switched-over" })).toBe(false);
  });

  it.each<[string, unknown, boolean]>([
    ["an import with a Terraform address and an id", { phase: "normal", pendingImports: [IMPORT] }, true],
    [
      "a resource name with capitals, digits and dashes",
      { phase: "normal", pendingImports: [{ address: "aiven_pg.Pg-1", id: "p/s" }] },
      true,
    ],
    ["an address without a type", { phase: "normal", pendingImports: [{ address: "primary", id: "p/s" }] }, false],
    [
      "an address with a capital in its type",
      { phase: "normal", pendingImports: [{ address: "Aiven_pg.primary", id: "p/s" }] },
      false,
    ],
    [
      "text before the address",
      { phase: "normal", pendingImports: [{ address: "x aiven_pg.primary", id: "p/s" }] },
      false,
    ],
    [
      "text after the address",
      { phase: "normal", pendingImports: [{ address: "aiven_pg.primary!", id: "p/s" }] },
      false,
    ],
    [
      "a module address",
      { phase: "normal", pendingImports: [{ address: "module.m.aiven_pg.primary", id: "p/s" }] },
      false,
    ],
    [
      "an id shorter than PROJECT/NAME can be",
      { phase: "normal", pendingImports: [{ address: "aiven_pg.primary", id: "p/" }] },
      false,
    ],
    ["a field an import does not have", { phase: "normal", pendingImports: [{ ...IMPORT, note: "x" }] }, false],
    ["a time with an offset", { phase: "normal", since: "2026-11-25T10:00:00+02:00" }, true],
    ["a date without a time", { phase: "normal", since: "2026-11-25" }, false],
    ["an empty run id", { phase: "normal", runId: "" }, false],
    ["a one-letter run id", { phase: "normal", runId: "r" }, true],
    ["an unknown operation", { phase: "normal", operation: "teleport" }, false],
    ["pending imports while failed over", { phase: "failed-over", primary: "frozen", pendingImports: [] }, false],
    ["a primary neither forgotten nor frozen", { phase: "failed-over", primary: "deleted" }, false],
  ])("accepts or refuses %s", (_what, record, valid) => {
    expect(phaseRecordSchema.safeParse(record).success).toBe(valid);
  });
});

describe("the operations between phases", () => {
  it("lead each to its own phase, from the phases it starts in", () => {
    expect([
      targetPhase("failover"),
      targetPhase("revert"),
      targetPhase("switchover"),
      targetPhase("switchback"),
    ]).toEqual(["failed-over", "normal", "switched-over", "normal"]);
    expect(operationsFrom("normal")).toEqual(["failover", "switchover"]);
    expect(operationsFrom("failed-over")).toEqual(["revert"]);
    expect(operationsFrom("switched-over")).toEqual(["switchback"]);
  });

  it("resume from a hand-written record outside normal, whose phase alone tells which operation made it", () => {
    expect(checkTransition({ phase: "switched-over" }, "switchover").kind).toBe("resume");
    expect(checkTransition({ phase: "normal" }, "revert")).toEqual({
      kind: "refused",
      reason: 'revert is not allowed while the pair is "normal"; from "normal" run failover or switchover.',
    });
  });

  it("do not resume a phase another operation recorded", () => {
    expect(checkTransition({ phase: "failed-over", primary: "frozen", operation: "revert" }, "failover")).toEqual({
      kind: "refused",
      reason: 'failover is not allowed while the pair is "failed-over"; from "failed-over" run revert.',
    });
    expect(checkTransition({ phase: "normal", operation: "switchback" }, "failover")).toEqual({
      kind: "start",
      transition: { from: ["normal"], to: "failed-over" },
    });
    expect(checkTransition({ phase: "normal", operation: "revert" }, "revert")).toEqual({
      kind: "resume",
      transition: { from: ["failed-over"], to: "normal" },
    });
  });
});

describe("a change of a pair's record the tooling would never write", () => {
  it("is none when an operation made it, moving the pair or rewriting the same phase", () => {
    expect(
      phaseChangeProblems(
        { phase: "normal" },
        { phase: "failed-over", primary: "frozen", operation: "failover", ...BY_TOOLING },
      ),
    ).toEqual([]);
    expect(phaseChangeProblems({ phase: "normal" }, { phase: "normal", operation: "revert", ...BY_TOOLING })).toEqual(
      [],
    );
  });

  it("names every field the tooling always writes and the record lacks", () => {
    expect(phaseChangeProblems({ phase: "normal" }, { phase: "failed-over", primary: "frozen" })).toEqual([
      "the new record has no operation, runId, since, which the tooling writes on every record",
    ]);
    expect(
      phaseChangeProblems(
        { phase: "normal" },
        { phase: "failed-over", primary: "frozen", operation: "failover", runId: "r1" },
      ),
    ).toEqual(["the new record has no since, which the tooling writes on every record"]);
  });

  it("is a move no operation makes", () => {
    expect(
      phaseChangeProblems(
        { phase: "failed-over", primary: "frozen" },
        { phase: "switched-over", operation: "switchover", ...BY_TOOLING },
      ),
    ).toEqual(['no operation moves a pair from "failed-over" to "switched-over"']);
  });

  it("is an operation named that does not lead there, or does not start from there", () => {
    expect(
      phaseChangeProblems({ phase: "normal" }, { phase: "switched-over", operation: "failover", ...BY_TOOLING }),
    ).toEqual([
      'the record says failover made it, but failover leads to "failed-over" and does not start from "normal"',
    ]);
    expect(
      phaseChangeProblems(
        { phase: "failed-over", primary: "frozen" },
        { phase: "failed-over", primary: "forgotten", operation: "revert", ...BY_TOOLING },
      ),
    ).toEqual(['the record says revert made it, but revert leads to "normal"']);
  });
});
