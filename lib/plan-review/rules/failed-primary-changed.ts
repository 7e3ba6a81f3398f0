import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/**
 * Any change to a primary that the phase file records as failed: every
 * aiven_pg update sends `powered: true`, which powers the failed primary back
 * on next to the now-active recovery service.
 */
export const failedPrimaryChanged: PlanRule = {
  id: "failed-primary-changed",
  severity: "danger",
  title: "change to a failed primary",
  evaluate(plan, context) {
    const primaries = plan.changes.filter((c) => {
      const located = c.type === "aiven_pg" ? context.locate(c) : undefined;
      return located?.side === "primary" && context.phaseOf(located.pair).phase === "failed-over";
    });
    if (!primaries.length) return NOT_APPLICABLE;
    return primaries
      .filter((c) => ["update", "create", "replace", "delete"].includes(c.kind))
      .map((c) => {
        const pair = context.locate(c)!.pair;
        return {
          rule: this.id,
          severity: this.severity,
          address: c.address,
          stack: pair.stack,
          message: `${c.address} (${pair.primary.serviceName}) is planned to ${c.kind === "update" ? "be updated" : c.kind === "create" ? "be created" : c.kind === "replace" ? "be replaced" : "be deleted"} while ${pair.stack} is failed over`,
          why: "The primary is failed at Aiven. Every aiven_pg update sends powered=true and would power it back on beside the active recovery service; a create would make a second service under its name. Keep it frozen or forgotten until the revert.",
        };
      });
  },
};
