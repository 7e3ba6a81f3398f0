import { changeFinding } from "../change-finding";
import { attribute, PlannedChange } from "../terraform-plan";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/** Termination protection is what stops a mistaken plan from deleting a database. */
export const terminationProtectionOff: PlanRule = {
  id: "termination-protection-off",
  severity: "warning",
  title: "termination_protection turned off",
  evaluate(plan, context) {
    const pgs = plan.changes.filter((c) => c.type === "aiven_pg" && ["create", "update", "replace"].includes(c.kind));
    if (!pgs.length) return NOT_APPLICABLE;
    // Turned off on an existing service; or a pair's service created without it
    // (other aiven_pg creates are not this project's business).
    const off = (c: PlannedChange) =>
      attribute(c, "after", "termination_protection") === false &&
      (attribute(c, "before", "termination_protection") === true ||
        (c.kind === "create" && context.locate(c) !== undefined));
    return pgs.filter(off).map((c) =>
      changeFinding(this, c, context.locate(c), {
        message: `${c.address} ${c.kind === "create" ? "is created without" : "turns off"} termination_protection`,
        why: "Without termination protection a later plan that deletes or replaces the service goes through, and the data with it.",
      }),
    );
  },
};
