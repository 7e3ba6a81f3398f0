import { changeFinding } from "../change-finding";
import { failedOverPeerChanges, NOT_APPLICABLE, PlanRule, TOUCHING_KINDS } from "../plan-rule";

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
    const primaries = failedOverPeerChanges(plan, context, "primary");
    if (!primaries.length) return NOT_APPLICABLE;
    return primaries
      .filter(({ change }) => TOUCHING_KINDS.includes(change.kind))
      .map(({ change: c, located }) =>
        changeFinding(this, c, located, {
          message: `${c.address} (${located.pair.primary.serviceName}) is planned to ${c.kind === "update" ? "be updated" : c.kind === "create" ? "be created" : c.kind === "replace" ? "be replaced" : "be deleted"} while ${located.pair.stack} is failed over`,
          why: "The primary is failed at Aiven. Every aiven_pg update sends powered=true and would power it back on beside the active recovery service; a create would make a second service under its name. Keep it frozen or forgotten until the revert.",
        }),
      );
  },
};
