import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { planWithoutCrdr } from "../../../lib/plan-review/rules/plan-without-crdr";
import { context } from "../../support/plan-builder";
import { terraformMadePlan } from "../support/terraform-made-plan";

describe("rule plan-without-crdr (plans made by terraform)", () => {
  it("calls a primary moved to a Hobbyist plan a danger", () => {
    expect(
      planWithoutCrdr.evaluate(terraformMadePlan("tf-primary-to-hobbyist"), context({ phase: "normal" }, "pg-primary")),
    ).toEqual([
      expect.objectContaining({
        severity: "danger",
        address: "aiven_pg.primary",
        stack: "pg-primary",
        message: "primary pg-primary of pg-primary moves to plan hobbyist, which has no cross-region disaster recovery",
        why: expect.stringMatching(/^CRDR needs a Startup plan or higher/),
      }),
    ]);
  });

  it("is compliant for a move between plans that support CRDR, and leaves services outside the pairs alone", () => {
    expect(
      planWithoutCrdr.evaluate(terraformMadePlan("tf-target-primary"), context({ phase: "normal" }, "pg-primary")),
    ).toEqual([]);
    expect(planWithoutCrdr.evaluate(terraformMadePlan("tf-delete-other-services"), context())).toBe(NOT_APPLICABLE);
  });
});
