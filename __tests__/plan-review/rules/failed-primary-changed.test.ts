import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { failedPrimaryChanged } from "../../../lib/plan-review/rules/failed-primary-changed";
import { context, PG_PRIMARY, plan } from "../../support/plan-builder";

describe("rule failed-primary-changed", () => {
  const update = plan([
    {
      address: "aiven_pg.primary",
      actions: ["update"],
      before: PG_PRIMARY,
      after: { ...PG_PRIMARY, maintenance_window_dow: "sunday" },
    },
  ]);

  it("flags any update to a primary the phase file records as failed", () => {
    expect(failedPrimaryChanged.evaluate(update, context({ phase: "failed-over", primary: "frozen" }))).toEqual([
      expect.objectContaining({
        severity: "danger",
        address: "aiven_pg.primary",
        message: "aiven_pg.primary (pg-primary) is planned to be updated while pg-primary is failed over",
      }),
    ]);
  });

  it("flags the re-creation of a forgotten primary", () => {
    const create = plan([{ address: "aiven_pg.primary", actions: ["create"], after: PG_PRIMARY }]);
    expect(failedPrimaryChanged.evaluate(create, context({ phase: "failed-over", primary: "forgotten" }))).toHaveLength(
      1,
    );
  });

  it("is compliant for a no-op or forget, and does not apply in the normal phase", () => {
    const quiet = plan([{ address: "aiven_pg.primary", actions: ["no-op"], before: PG_PRIMARY, after: PG_PRIMARY }]);
    expect(failedPrimaryChanged.evaluate(quiet, context({ phase: "failed-over", primary: "frozen" }))).toEqual([]);
    expect(failedPrimaryChanged.evaluate(update, context())).toBe(NOT_APPLICABLE);
  });
});
