import { PlanRule } from "../plan-rule";

/** An errored plan is incomplete: what it shows is not all the apply would do. */
export const planErrored: PlanRule = {
  id: "plan-errored",
  severity: "danger",
  title: "the plan errored",
  evaluate(plan) {
    return plan.errored
      ? [
          {
            rule: this.id,
            severity: this.severity,
            message: "Terraform reported errors while planning; this plan is incomplete",
            why: "Changes after the error are missing from the plan, including any that would be dangerous for a DR pair. Fix the errors and plan again before approving.",
          },
        ]
      : [];
  },
};
