import { planSupportsCrdr } from "../../aiven/crdr-plans";
import { changeFinding } from "../change-finding";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";
import { attribute } from "../terraform-plan";

/** A pair's service moved to (or created on) an Aiven plan that does not support CRDR (Hobbyist, Free, Developer). */
export const planWithoutCrdr: PlanRule = {
  id: "plan-without-crdr",
  severity: "danger",
  title: "a pair's service on a plan without CRDR",
  evaluate(plan, context) {
    const pgs = plan.changes.filter(
      (c) => c.type === "aiven_pg" && !c.deposed && ["create", "update", "replace"].includes(c.kind),
    );
    if (!pgs.length) return NOT_APPLICABLE;
    return pgs.flatMap((c) => {
      const located = context.locate(c);
      const to = attribute(c, "after", "plan");
      if (!located || located.side === "integration" || typeof to !== "string" || to === attribute(c, "before", "plan"))
        return [];
      if (planSupportsCrdr(to)) return [];
      return [
        changeFinding(this, c, located, {
          message: `${located.side} ${located.pair[located.side].serviceName} of ${located.pair.stack} ${c.kind === "create" ? "is created on" : "moves to"} plan ${to}, which has no cross-region disaster recovery`,
          why: "CRDR needs a Startup plan or higher: Aiven refuses the change, or the pair loses its recovery copy and with it the failover. Keep both services on Startup or higher.",
        }),
      ];
    });
  },
};
