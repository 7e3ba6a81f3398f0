import { attribute } from "../terraform-plan";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/** Primary and recovery on different plans: after a failover the recovery service may not carry the load. */
export const planDivergence: PlanRule = {
  id: "plan-divergence",
  severity: "warning",
  title: "primary and recovery plans diverging",
  evaluate(plan, context) {
    const touched = plan.changes.filter((c) => c.type === "aiven_pg" && ["create", "update", "replace"].includes(c.kind) && attribute(c, "after", "plan") !== undefined);
    if (!touched.length) return NOT_APPLICABLE;
    const findings = [];
    for (const c of touched) {
      const located = context.locate(c);
      if (!located || located.side === "integration") continue;
      const peerSide = located.side === "primary" ? "recovery" : "primary";
      const peerChange = plan.changes.find((o) => o !== c && o.type === "aiven_pg" && context.locate(o)?.pair === located.pair && context.locate(o)?.side === peerSide);
      const peerPlan = peerChange ? attribute(peerChange, "after", "plan") : (plan.prior.find((p) => p.type === "aiven_pg" && p.values.service_name === located.pair[peerSide].serviceName)?.values.plan ?? located.pair[peerSide].plan);
      const mine = attribute(c, "after", "plan");
      const before = attribute(c, "before", "plan");
      if (peerPlan !== undefined && mine !== peerPlan && (c.kind === "create" || before !== mine)) {
        findings.push({
          rule: this.id,
          severity: this.severity,
          address: c.address,
          stack: located.pair.stack,
          message: `${located.side} ${located.pair[located.side].serviceName} goes to plan ${String(mine)} while its ${peerSide} is on ${String(peerPlan)}`,
          why: "A recovery service smaller than its primary may not carry the production load after a failover; keep both on the same plan.",
        });
      }
    }
    return findings;
  },
};
