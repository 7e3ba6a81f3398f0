import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { planDivergence } from "../../../lib/plan-review/rules/plan-divergence";
import { context, PG_PRIMARY, PG_RECOVERY, plan } from "../../support/plan-builder";

describe("rule plan-divergence", () => {
  it("warns when one peer's plan changes away from the other's", () => {
    const p = plan([
      {
        address: "aiven_pg.primary",
        actions: ["update"],
        before: PG_PRIMARY,
        after: { ...PG_PRIMARY, plan: "business-8" },
      },
    ]);
    expect(planDivergence.evaluate(p, context())).toEqual([
      expect.objectContaining({
        severity: "warning",
        message:
          "primary pg-primary goes to plan business-8 while its recovery is on startup-4: the recovery service would be smaller than its primary",
        why: expect.stringMatching(/^A recovery service smaller than its primary may not carry the production load/),
      }),
    ]);
  });

  it("says the recovery service would be larger when it is", () => {
    const p = plan([
      {
        address: "aiven_pg.recovery",
        actions: ["update"],
        before: PG_RECOVERY,
        after: { ...PG_RECOVERY, plan: "business-16" },
      },
    ]);
    expect(planDivergence.evaluate(p, context())).toEqual([
      expect.objectContaining({
        message:
          "recovery pg-primary-dr goes to plan business-16 while its primary is on startup-4: the recovery service would be larger than its primary",
        why: expect.stringMatching(/^A recovery service larger than its primary/),
      }),
    ]);
    const shrinkPrimary = plan([
      {
        address: "aiven_pg.primary",
        actions: ["update"],
        before: PG_PRIMARY,
        after: { ...PG_PRIMARY, plan: "hobbyist" },
      },
    ]);
    expect((planDivergence.evaluate(shrinkPrimary, context()) as any[])[0].message).toMatch(
      /the recovery service would be larger than its primary$/,
    );
  });

  it("neither compares nor shows a peer's plan the plan marks sensitive", () => {
    const prior = {
      prior_state: {
        format_version: "1.0",
        values: {
          root_module: {
            resources: [
              {
                address: "aiven_pg.recovery",
                mode: "managed",
                type: "aiven_pg",
                values: { ...PG_RECOVERY, plan: "hidden-plan-value" },
                sensitive_values: { plan: true },
              },
            ],
          },
        },
      },
    };
    const p = plan(
      [
        {
          address: "aiven_pg.primary",
          actions: ["update"],
          before: PG_PRIMARY,
          after: { ...PG_PRIMARY, plan: "business-8" },
        },
      ],
      prior,
    );
    expect(planDivergence.evaluate(p, context())).toEqual([]);
  });

  it("is compliant when both peers change plan together", () => {
    const p = plan([
      {
        address: "aiven_pg.primary",
        actions: ["update"],
        before: PG_PRIMARY,
        after: { ...PG_PRIMARY, plan: "business-8" },
      },
      {
        address: "aiven_pg.recovery",
        actions: ["update"],
        before: PG_RECOVERY,
        after: { ...PG_RECOVERY, plan: "business-8" },
      },
    ]);
    expect(planDivergence.evaluate(p, context())).toEqual([]);
    expect(planDivergence.evaluate(plan([]), context())).toBe(NOT_APPLICABLE);
  });
});
