import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { pinnedAddressMoved } from "../../../lib/plan-review/rules/pinned-address-moved";
import { context, pairManifest, PG_RECOVERY, plan } from "../../support/plan-builder";
import { planWith } from "../support/plan-with";

const moved = (from: string, to: string) =>
  planWith([{ address: to, actions: ["no-op"], before: PG_RECOVERY, after: PG_RECOVERY, previous_address: from }]);

describe("rule pinned-address-moved", () => {
  it("flags a moved block that takes the recovery service off its pinned address", () => {
    expect(
      pinnedAddressMoved.evaluate(
        moved("aiven_pg.recovery", "aiven_pg.replica"),
        context({ phase: "normal" }, "pg-primary"),
      ),
    ).toEqual([
      expect.objectContaining({
        severity: "danger",
        address: "aiven_pg.replica",
        stack: "pg-primary",
        message: "aiven_pg.recovery moves to aiven_pg.replica (the recovery of pg-primary)",
      }),
    ]);
  });

  it("flags a move onto a pinned address", () => {
    expect(pinnedAddressMoved.evaluate(moved("aiven_pg.old", "aiven_pg.recovery"), context())).toHaveLength(1);
  });

  it("is compliant for moves between addresses nobody pins, and does not apply without moves", () => {
    expect(pinnedAddressMoved.evaluate(moved("module.a.aiven_pg.x", "module.b.aiven_pg.x"), context())).toEqual([]);
    expect(
      pinnedAddressMoved.evaluate(
        plan([{ address: "aiven_pg.recovery", actions: ["no-op"], before: PG_RECOVERY, after: PG_RECOVERY }]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule pinned-address-moved, in full and for the plan's own stack", () => {
  const WHY =
    "The failover tooling and state find a pair's resources at their pinned addresses (aiven_pg.primary, aiven_pg.recovery, aiven_service_integration.disaster_recovery): after this move the failover's state rm and the phase's removed and import blocks miss the object. Remove the moved block.";
  const pairs = [
    pairManifest(),
    {
      ...pairManifest("orders", "orders"),
      primary: { ...pairManifest().primary, address: "module.orders.aiven_pg.primary" },
    },
  ];

  it("names the move, the pair and why", () => {
    expect(pinnedAddressMoved.evaluate(moved("aiven_pg.recovery", "aiven_pg.replica"), context())).toEqual([
      {
        rule: "pinned-address-moved",
        severity: "danger",
        address: "aiven_pg.replica",
        stack: "pg-primary",
        message: "aiven_pg.recovery moves to aiven_pg.replica (the recovery of pg-primary)",
        why: WHY,
      },
    ]);
  });

  it("names no pair for a move of an object no pair holds", () => {
    const other = { ...PG_RECOVERY, service_name: "analytics" };
    const p = planWith([
      {
        address: "aiven_pg.old",
        actions: ["no-op"],
        before: other,
        after: other,
        previous_address: "aiven_pg.primary",
      },
    ]);
    expect(pinnedAddressMoved.evaluate(p, context())).toEqual([
      {
        rule: "pinned-address-moved",
        severity: "danger",
        address: "aiven_pg.old",
        message: "aiven_pg.primary moves to aiven_pg.old",
        why: WHY,
      },
    ]);
  });

  it("watches only the plan's own stack's pinned addresses when the plan's stack is known", () => {
    const offOrders = moved("module.orders.aiven_pg.primary", "module.orders.aiven_pg.db");
    expect(pinnedAddressMoved.evaluate(offOrders, context({ phase: "normal" }, "pg-primary", pairs))).toEqual([]);
    expect(pinnedAddressMoved.evaluate(offOrders, context({ phase: "normal" }, "orders", pairs))).toHaveLength(1);
    expect(pinnedAddressMoved.evaluate(offOrders, context({ phase: "normal" }, undefined, pairs))).toHaveLength(1);
  });

  it("takes a previous address equal to the address for no move", () => {
    expect(pinnedAddressMoved.evaluate(moved("aiven_pg.recovery", "aiven_pg.recovery"), context())).toBe(
      NOT_APPLICABLE,
    );
  });
});
