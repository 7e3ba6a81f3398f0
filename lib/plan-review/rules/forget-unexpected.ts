import { changeFinding } from "../change-finding";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/**
 * A forget of a pair's resource that its recorded phase keeps under
 * Terraform: nothing is destroyed, but Terraform stops planning, protecting
 * and checking it. For the primary in phase normal that is the production
 * database.
 */
export const forgetUnexpected: PlanRule = {
  id: "forget-unexpected",
  severity: "warning",
  title: "a pair's resource forgotten although its phase keeps it",
  evaluate(plan, context) {
    const forgets = plan.changes.filter((c) => c.kind === "forget" && c.type.startsWith("aiven_"));
    if (!forgets.length) return NOT_APPLICABLE;
    return forgets.flatMap((c) => {
      const located = context.locate(c);
      if (!located) return [];
      const layout = context.layoutOf(located);
      if (layout === "forgotten") return [];
      const phase = context.phaseOf(located.pair).phase;
      const productionPrimary = located.side === "primary" && phase === "normal";
      const why =
        layout === "frozen" && located.side === "primary"
          ? `The phase file records ${located.pair.stack}'s failed primary as frozen (kept in state, every change ignored), not forgotten: the failover did not find it unreachable. Keep it frozen; forget it only by recording the failover with --primary-unreachable.`
          : productionPrimary
            ? `In phase "normal" the primary is the production database: forgetting it drops Terraform's hold on it (no more plans, drift checks or termination-protection changes through Terraform), and no failover is recorded that would explain it. Remove the removed block, or record the failover first.`
            : `Phase "${phase}" keeps ${located.pair.stack}'s ${located.side} under Terraform; a forget means Terraform no longer plans, protects or checks it. Remove the removed block unless the phase file is what is wrong.`;
      return [
        changeFinding(this, c, located, {
          severity: productionPrimary ? "danger" : this.severity,
          message: `${c.address} (the ${located.side} of ${located.pair.stack}) is forgotten, which phase "${phase}" does not expect`,
          why,
        }),
      ];
    });
  },
};
