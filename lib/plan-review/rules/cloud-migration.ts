import { changeFinding } from "../change-finding";
import { attribute } from "../terraform-plan";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/** Changing cloud_name migrates the service to another region. */
export const cloudMigration: PlanRule = {
  id: "cloud-migration",
  severity: "warning",
  title: "cloud_name change (service migration)",
  evaluate(plan, context) {
    const pgs = plan.changes.filter((c) => c.type === "aiven_pg" && (c.kind === "update" || c.kind === "replace"));
    if (!pgs.length) return NOT_APPLICABLE;
    return pgs
      .filter((c) => {
        const before = attribute(c, "before", "cloud_name");
        const after = attribute(c, "after", "cloud_name");
        return before !== undefined && after !== undefined && before !== after;
      })
      .map((c) => {
        const located = context.locate(c);
        const other =
          located && located.side !== "integration"
            ? located.pair[located.side === "primary" ? "recovery" : "primary"].cloudName
            : undefined;
        const to = String(attribute(c, "after", "cloud_name"));
        return changeFinding(this, c, located, {
          message: `${c.address} migrates from ${String(attribute(c, "before", "cloud_name"))} to ${to}${other === to ? `, the region of its DR peer` : ""}`,
          why: "A cloud_name change is a live migration with a DNS switch; for a DR pair both peers in one region means no cross-region recovery.",
        });
      });
  },
};
