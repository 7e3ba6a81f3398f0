import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { pinnedAddressMoved } from "../../../lib/plan-review/rules/pinned-address-moved";
import { context, PG_RECOVERY, plan } from "../../support/plan-builder";
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
