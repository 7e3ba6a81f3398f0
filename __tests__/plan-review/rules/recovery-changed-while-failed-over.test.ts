import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { recoveryChangedWhileFailedOver } from "../../../lib/plan-review/rules/recovery-changed-while-failed-over";
import { context, PG_RECOVERY, plan } from "../../support/plan-builder";

describe("rule recovery-changed-while-failed-over", () => {
  const update = plan([
    {
      address: "aiven_pg.recovery",
      actions: ["update"],
      before: PG_RECOVERY,
      after: { ...PG_RECOVERY, plan: "startup-8" },
    },
  ]);

  it("warns about a change to the recovery service while the pair is failed over", () => {
    expect(
      recoveryChangedWhileFailedOver.evaluate(update, context({ phase: "failed-over", primary: "frozen" })),
    ).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: "aiven_pg.recovery (pg-primary-dr) is updated while the pair is failed over",
      }),
    ]);
  });

  it("is compliant for a no-op, and does not apply in the normal phase", () => {
    const quiet = plan([{ address: "aiven_pg.recovery", actions: ["no-op"], before: PG_RECOVERY, after: PG_RECOVERY }]);
    expect(
      recoveryChangedWhileFailedOver.evaluate(quiet, context({ phase: "failed-over", primary: "frozen" })),
    ).toEqual([]);
    expect(recoveryChangedWhileFailedOver.evaluate(update, context())).toBe(NOT_APPLICABLE);
  });
});
