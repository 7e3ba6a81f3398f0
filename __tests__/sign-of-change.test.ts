import { AivenApiError } from "../lib/aiven/aiven-api-error";
import { AivenService } from "../lib/aiven/aiven-types";
import {
  otherSide,
  PairSnapshot,
  PeerSnapshot,
  signOfChange,
  snapshot,
  targetRoles,
} from "../lib/operations/role-request";

/**
 * What counts as a sign that a role change was applied, read from the pair
 * before and after: the judge of every lost answer (a sign means the change
 * is never sent again).
 */
const names = { primary: "pg-a", recovery: "pg-a-dr" };
const fail = { side: "primary", role: "failed" } as const;
const peer = (state: string, role: string): PeerSnapshot => ({ reachable: true, state, role });
const BEFORE: PairSnapshot = { primary: peer("RUNNING", "active"), recovery: peer("RUNNING", "passive") };
const pair = (changes: Partial<PairSnapshot>): PairSnapshot => ({ ...BEFORE, ...changes });

describe("signOfChange", () => {
  it.each<[string, PairSnapshot, string | undefined]>([
    ["the changed peer at its target role", pair({ primary: peer("POWEROFF", "failed") }), "pg-a is now failed"],
    [
      "the other peer's role moved",
      pair({ recovery: peer("RUNNING", "active") }),
      "pg-a-dr went from passive to active",
    ],
    [
      "a peer entering a transitional state",
      pair({ primary: peer("REBALANCING", "active") }),
      "pg-a went from RUNNING to REBALANCING",
    ],
    [
      "the changed peer no longer listed",
      pair({ primary: { reachable: false, notFound: true } }),
      "pg-a is no longer listed",
    ],
    ["nothing moved", pair({}), undefined],
    ["the changed peer unreadable (not gone)", pair({ primary: { reachable: false } }), undefined],
    ["the other peer no longer listed", pair({ recovery: { reachable: false, notFound: true } }), undefined],
  ])("%s", (_name, now, sign) => {
    expect(signOfChange(BEFORE, now, fail, names)).toBe(sign);
  });

  it("takes a peer settling back to RUNNING as no sign", () => {
    const busy = pair({ recovery: peer("REBUILDING", "passive") });
    expect(signOfChange(busy, BEFORE, fail, names)).toBeUndefined();
  });

  it("reads nothing into a peer that was unreadable before", () => {
    const unread = pair({ recovery: { reachable: false } });
    expect(signOfChange(unread, pair({ recovery: peer("REBUILDING", "active") }), fail, names)).toBeUndefined();
    // The changed peer unreadable before (its region down) and not found now: nothing seen to disappear.
    const primaryDown = pair({ primary: { reachable: false } });
    expect(
      signOfChange(primaryDown, pair({ primary: { reachable: false, notFound: true } }), fail, names),
    ).toBeUndefined();
  });
});

describe("the pair a role change aims at", () => {
  it("the other peer of each side", () => {
    expect(otherSide("primary")).toBe("recovery");
    expect(otherSide("recovery")).toBe("primary");
  });

  it.each([
    [
      { side: "primary", role: "failed" },
      { primary: "failed", recovery: "active" },
    ],
    [
      { side: "primary", role: "passive" },
      { primary: "passive", recovery: "active" },
    ],
    [
      { side: "primary", role: "active" },
      { primary: "active", recovery: "passive" },
    ],
    [
      { side: "recovery", role: "active" },
      { primary: "passive", recovery: "active" },
    ],
  ] as const)("%j leaves both peers at %j", (change, roles) => {
    expect(targetRoles(change)).toEqual(roles);
  });
});

describe("a pair read, as the role change compares it", () => {
  const service = (state: string, role?: string) =>
    ({ service_name: "x", state, ...(role ? { disaster_recovery_role: role } : {}) }) as unknown as AivenService;
  const error = (status: number) => new AivenApiError("GET", "/v1/project/p/service/x", "http", { status });

  it("keeps each readable peer's state and role, and whether an unreadable one is gone", () => {
    expect(
      snapshot({
        primary: { reachable: true, service: service("REBALANCING", "active") },
        recovery: { reachable: false, error: error(404) },
      }),
    ).toEqual({
      primary: { reachable: true, state: "REBALANCING", role: "active" },
      recovery: { reachable: false, notFound: true },
    });
    expect(
      snapshot({
        primary: { reachable: false, error: error(503) },
        recovery: { reachable: true, service: service("RUNNING") },
      }),
    ).toEqual({ primary: { reachable: false }, recovery: { reachable: true, state: "RUNNING", role: undefined } });
  });
});
