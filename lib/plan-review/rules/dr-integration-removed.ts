import { changeFinding } from "../change-finding";
import { isPlannedDrLink, NOT_APPLICABLE, PlanRule } from "../plan-rule";

/**
 * Deleting or replacing the disaster_recovery integration breaks the pair, or
 * (replace) leaves a window with no DR link. No phase expects that: after a
 * failover the integration is forgotten, never destroyed.
 */
export const drIntegrationRemoved: PlanRule = {
  id: "dr-integration-removed",
  severity: "danger",
  title: "disaster_recovery integration deleted or replaced",
  evaluate(plan, context) {
    const links = plan.changes.filter(
      (c) => c.type === "aiven_service_integration" && (isPlannedDrLink(c.before) || isPlannedDrLink(c.after)),
    );
    if (!links.length) return NOT_APPLICABLE;
    return links
      .filter((c) => c.kind === "delete" || c.kind === "replace")
      .map((c) => {
        const located = context.locate(c);
        const phase = located ? context.phaseOf(located.pair).phase : undefined;
        return changeFinding(this, c, located, {
          message: `the disaster_recovery integration ${c.address}${located ? ` of ${located.pair.stack}` : ""} is ${c.kind === "replace" ? "replaced" : "deleted"}${phase ? ` while the pair is "${phase}"` : ""}`,
          why:
            c.kind === "replace"
              ? "Source and destination are ForceNew: a replace destroys the DR link and creates a new one, leaving the pair without disaster recovery until the new recovery copy is rebuilt."
              : "Without the integration the recovery service stops following the primary: the pair has no disaster recovery. After a failover the integration must be forgotten (removed block or state rm), not destroyed.",
        });
      });
  },
};
