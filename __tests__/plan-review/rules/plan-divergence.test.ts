import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { planDivergence } from "../../../lib/plan-review/rules/plan-divergence";
import { context, PG_PRIMARY, PG_RECOVERY, plan } from "../../support/plan-builder";

describe("rule plan-divergence", () => {
  it("warns when one peer's plan changes away from the other's", () => {
    const p = plan([{ address: "aiven_pg.primary", actions: ["update"], before: PG_PRIMARY, after: { ...PG_PRIMARY, plan: "business-8" } }]);
    expect(planDivergence.evaluate(p, context())).toEqual([
      expect.objectContaining({ severity: "warning", message: "primary pg-primary goes to plan business-8 while its recovery is on startup-4" }),
    ]);
  });

  it("is compliant when both peers change plan together", () => {
    const p = plan([
      { address: "aiven_pg.primary", actions: ["update"], before: PG_PRIMARY, after: { ...PG_PRIMARY, plan: "business-8" } },
      { address: "aiven_pg.recovery", actions: ["update"], before: PG_RECOVERY, after: { ...PG_RECOVERY, plan: "business-8" } },
    ]);
    expect(planDivergence.evaluate(p, context())).toEqual([]);
    expect(planDivergence.evaluate(plan([]), context())).toBe(NOT_APPLICABLE);
  });
});
