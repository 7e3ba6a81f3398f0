import { changeFinding } from "../change-finding";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/** A plan for one stack touching another pair's services: two states now claim them. */
export const crossStackChange: PlanRule = {
  id: "cross-stack-change",
  severity: "warning",
  title: "a pair's resources changed by another stack",
  evaluate(plan, context) {
    if (!context.planStack) return NOT_APPLICABLE;
    return plan.changes
      .filter((c) => c.kind !== "no-op" && c.kind !== "read")
      .flatMap((c) => {
        const located = context.locate(c);
        if (!located || located.pair.stack === context.planStack) return [];
        return [
          changeFinding(this, c, located, {
            message: `the plan for stack ${context.planStack} ${c.kind === "update" ? "updates" : `${c.kind}s`} ${c.address}, which belongs to pair ${located.pair.stack}`,
            why: "Each pair's resources live in its own stack's state; managing them from two states makes plans fight and a failover of one pair touch another.",
          }),
        ];
      });
  },
};
