import { exactlyAsBefore, lastAcceptance } from "../lib/operations/accepted-without-effect";
import { JournalEntry } from "../lib/operations/journal";
import { PairSnapshot, PeerSnapshot } from "../lib/operations/role-request";

/**
 * Which role change counts as accepted by Aiven on its 2xx alone (so a wait
 * that sees nothing move may say so, and --resend may set it aside), and
 * when the pair reads exactly as before it. Unit tests of the two pure
 * judgements; role-change-disagreement.test.ts runs them in operations.
 */
const peer = (state: string, role: string): PeerSnapshot => ({ reachable: true, state, role });
const BEFORE: PairSnapshot = { primary: peer("RUNNING", "active"), recovery: peer("RUNNING", "passive") };
let clock = 0;
const entry = (event: string, fields: Record<string, unknown> = {}): JournalEntry => ({
  ts: `2026-11-30T07:00:0${clock++}.000Z`,
  runId: "run-1",
  stack: "pg-a",
  operation: "failover",
  event,
  ...fields,
});
const intent = (side = "primary", role = "failed", before: PairSnapshot | undefined = BEFORE) =>
  entry("role-intent", { side, role, service: side === "primary" ? "pg-a" : "pg-a-dr", attempt: 1, before });
const applied = (how: string, side = "primary", role = "failed") => entry("role-applied", { side, role, how });

beforeEach(() => (clock = 0));

describe("lastAcceptance", () => {
  it("is the latest change Aiven answered 2xx, with its service, time and the pair before it", () => {
    const accepted = applied("answer");
    expect(lastAcceptance([entry("started"), intent(), accepted])).toEqual({
      side: "primary",
      role: "failed",
      service: "pg-a",
      at: accepted.ts,
      before: BEFORE,
    });
  });

  it("takes the pair before from that change's own latest intent, not another change's or an earlier one", () => {
    const earlier: PairSnapshot = { ...BEFORE, recovery: peer("REBUILDING", "passive") };
    const entries = [
      intent("primary", "failed", earlier),
      intent("recovery", "active", { ...BEFORE, primary: peer("POWEROFF", "failed") }),
      intent("primary", "passive", { ...BEFORE, primary: peer("RUNNING", "passive") }),
      intent("primary", "failed", BEFORE),
      applied("answer"),
    ];
    expect(lastAcceptance(entries)?.before).toEqual(BEFORE);
  });

  it("takes the pair before from that change's intent, past later entries of other kinds, sides or roles", () => {
    const other: PairSnapshot = { ...BEFORE, primary: peer("POWEROFF", "failed") };
    // Another event of the same change (its lapse, which holds no pair) after its intent.
    expect(
      lastAcceptance([intent(), entry("role-lapsed", { side: "primary", role: "failed" }), applied("answer")]),
    ).toMatchObject({
      before: BEFORE,
    });
    // The other side's intent for the same role after it.
    expect(
      lastAcceptance([
        intent("primary", "active"),
        intent("recovery", "active", other),
        applied("answer", "primary", "active"),
      ]),
    ).toMatchObject({ before: BEFORE });
    // The same side's intent for another role after it.
    expect(
      lastAcceptance([
        intent("primary", "failed"),
        intent("primary", "passive", other),
        applied("answer", "primary", "failed"),
      ]),
    ).toMatchObject({ before: BEFORE });
  });

  it("is none once a later read showed the change (Aiven acted on it)", () => {
    expect(lastAcceptance([intent(), applied("answer"), intent(), applied("read-back")])).toBeUndefined();
    expect(lastAcceptance([intent(), applied("already")])).toBeUndefined();
  });

  it("is none once --resend set it aside, and none without an intent holding the pair before", () => {
    expect(lastAcceptance([intent(), applied("answer"), entry("role-resend")])).toBeUndefined();
    expect(lastAcceptance([applied("answer")])).toBeUndefined();
    expect(lastAcceptance([intent("primary", "failed", null as never), applied("answer")])).toBeUndefined();
    expect(lastAcceptance([])).toBeUndefined();
  });

  it("looks past other events after the acceptance", () => {
    const accepted = applied("answer");
    expect(lastAcceptance([intent(), accepted, entry("phase-recorded"), entry("role-refused")])?.at).toBe(accepted.ts);
  });
});

describe("exactlyAsBefore", () => {
  it("holds only when both peers read with the same state and role", () => {
    expect(exactlyAsBefore(BEFORE, { ...BEFORE })).toBe(true);
    expect(exactlyAsBefore(BEFORE, { ...BEFORE, primary: peer("REBALANCING", "active") })).toBe(false);
    expect(exactlyAsBefore(BEFORE, { ...BEFORE, recovery: peer("RUNNING", "active") })).toBe(false);
    expect(exactlyAsBefore(BEFORE, { ...BEFORE, primary: peer("RUNNING", "passive") })).toBe(false);
    expect(exactlyAsBefore(BEFORE, { ...BEFORE, recovery: peer("REBUILDING", "passive") })).toBe(false);
  });

  it("never holds for a peer that cannot be read, now or before", () => {
    expect(exactlyAsBefore(BEFORE, { ...BEFORE, recovery: { reachable: false } })).toBe(false);
    expect(
      exactlyAsBefore({ ...BEFORE, primary: { reachable: false } }, { ...BEFORE, primary: { reachable: false } }),
    ).toBe(false);
  });
});
