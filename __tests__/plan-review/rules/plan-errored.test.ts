import { planErrored } from "../../../lib/plan-review/rules/plan-errored";
import { context, plan } from "../../support/plan-builder";

describe("rule plan-errored", () => {
  it("flags an errored plan as danger: it is incomplete", () => {
    expect(planErrored.evaluate(plan([], { errored: true }), context())).toEqual([
      expect.objectContaining({
        severity: "danger",
        message: "Terraform reported errors while planning; this plan is incomplete",
      }),
    ]);
  });

  it("is compliant for a plan that completed", () => {
    expect(planErrored.evaluate(plan([], { errored: false }), context())).toEqual([]);
  });
});
