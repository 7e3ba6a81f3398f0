import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/** While failed over, the recovery service is production: changes to it deserve a second look. */
export const recoveryChangedWhileFailedOver: PlanRule = {
  id: "recovery-changed-while-failed-over",
  severity: "warning",
  title: "change to the recovery service while failed over",
  evaluate(plan, context) {
    const recoveries = plan.changes.filter((c) => {
      const located = c.type === "aiven_pg" ? context.locate(c) : undefined;
      return located?.side === "recovery" && context.phaseOf(located.pair).phase === "failed-over";
    });
    if (!recoveries.length) return NOT_APPLICABLE;
    return recoveries
      .filter((c) => ["update", "replace", "delete", "create"].includes(c.kind))
      .map((c) => ({
        rule: this.id,
        severity: this.severity,
        address: c.address,
        stack: context.locate(c)!.pair.stack,
        message: `${c.address} (${context.locate(c)!.pair.recovery.serviceName}) is ${c.kind === "update" ? "updated" : c.kind === "create" ? "created" : `${c.kind}d`} while the pair is failed over`,
        why: "The recovery service is the only running database of the pair until the revert; a restart, resize or migration now is an outage of production.",
      }));
  },
};
