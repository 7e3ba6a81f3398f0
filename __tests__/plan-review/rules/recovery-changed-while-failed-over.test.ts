import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { recoveryChangedWhileFailedOver } from "../../../lib/plan-review/rules/recovery-changed-while-failed-over";
import { context, PG_PRIMARY, PG_RECOVERY, plan } from "../../support/plan-builder";

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

describe("rule recovery-changed-while-failed-over, in its own words", () => {
  const FORGOTTEN = { phase: "failed-over", primary: "forgotten" } as const;
  const changed = (actions: string[]) =>
    recoveryChangedWhileFailedOver.evaluate(
      plan([{ address: "aiven_pg.recovery", actions, before: PG_RECOVERY, after: PG_RECOVERY }]),
      context(FORGOTTEN),
    );

  it("says what the plan does to the production recovery service, and why that is an outage", () => {
    expect(changed(["create"])).toEqual([
      {
        rule: "recovery-changed-while-failed-over",
        severity: "warning",
        address: "aiven_pg.recovery",
        stack: "pg-primary",
        message: "aiven_pg.recovery (pg-primary-dr) is created while the pair is failed over",
        why: "The recovery service is the only running database of the pair until the revert; a restart, resize or migration now is an outage of production.",
      },
    ]);
    expect((changed(["delete", "create"]) as Array<{ message: string }>)[0].message).toBe(
      "aiven_pg.recovery (pg-primary-dr) is replaced while the pair is failed over",
    );
    expect((changed(["delete"]) as Array<{ message: string }>)[0].message).toBe(
      "aiven_pg.recovery (pg-primary-dr) is deleted while the pair is failed over",
    );
    expect(changed(["forget"])).toEqual([]);
  });

  it("leaves the failed primary to its own rule", () => {
    expect(
      recoveryChangedWhileFailedOver.evaluate(
        plan([{ address: "aiven_pg.primary", actions: ["update"], before: PG_PRIMARY, after: PG_PRIMARY }]),
        context(FORGOTTEN),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});
