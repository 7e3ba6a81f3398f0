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

describe("rule plan-errored, in its own words", () => {
  it("says why an errored plan cannot be approved", () => {
    expect(planErrored.evaluate(plan([], { errored: true }), context())).toEqual([
      {
        rule: "plan-errored",
        severity: "danger",
        message: "Terraform reported errors while planning; this plan is incomplete",
        why: "Changes after the error are missing from the plan, including any that would be dangerous for a DR pair. Fix the errors and plan again before approving.",
      },
    ]);
  });
});
