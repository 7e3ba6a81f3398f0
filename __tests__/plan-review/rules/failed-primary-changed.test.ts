import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { failedPrimaryChanged } from "../../../lib/plan-review/rules/failed-primary-changed";
import { context, PG_PRIMARY, PG_RECOVERY, plan } from "../../support/plan-builder";

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

describe("rule failed-primary-changed, in its own words", () => {
  const FROZEN = { phase: "failed-over", primary: "frozen" } as const;
  const planned = (actions: string[]) =>
    failedPrimaryChanged.evaluate(
      plan([
        {
          address: "aiven_pg.primary",
          actions,
          before: actions[0] === "create" ? null : PG_PRIMARY,
          after: PG_PRIMARY,
        },
      ]),
      context(FROZEN),
    );

  it("says what the plan would do to the failed primary, and why that powers it on", () => {
    expect(planned(["create"])).toEqual([
      {
        rule: "failed-primary-changed",
        severity: "danger",
        address: "aiven_pg.primary",
        stack: "pg-primary",
        message: "aiven_pg.primary (pg-primary) is planned to be created while pg-primary is failed over",
        why: "The primary is failed at Aiven. Every aiven_pg update sends powered=true and would power it back on beside the active recovery service; a create would make a second service under its name. Keep it frozen or forgotten until the revert.",
      },
    ]);
    expect((planned(["delete", "create"]) as Array<{ message: string }>)[0].message).toBe(
      "aiven_pg.primary (pg-primary) is planned to be replaced while pg-primary is failed over",
    );
    expect((planned(["delete"]) as Array<{ message: string }>)[0].message).toBe(
      "aiven_pg.primary (pg-primary) is planned to be deleted while pg-primary is failed over",
    );
  });

  it("leaves the recovery service to its own rule", () => {
    expect(
      failedPrimaryChanged.evaluate(
        plan([{ address: "aiven_pg.recovery", actions: ["update"], before: PG_RECOVERY, after: PG_RECOVERY }]),
        context(FROZEN),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});
