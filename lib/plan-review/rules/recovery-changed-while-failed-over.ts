import { changeFinding } from "../change-finding";
import { failedOverPeerChanges, NOT_APPLICABLE, PlanRule, TOUCHING_KINDS } from "../plan-rule";

/** While failed over, the recovery service is production: changes to it deserve a second look. */
export const recoveryChangedWhileFailedOver: PlanRule = {
  id: "recovery-changed-while-failed-over",
  severity: "warning",
  title: "change to the recovery service while failed over",
  evaluate(plan, context) {
    const recoveries = failedOverPeerChanges(plan, context, "recovery");
    if (!recoveries.length) return NOT_APPLICABLE;
    return recoveries
      .filter(({ change }) => TOUCHING_KINDS.includes(change.kind))
      .map(({ change: c, located }) =>
        changeFinding(this, c, located, {
          message: `${c.address} (${located.pair.recovery.serviceName}) is ${c.kind === "update" ? "updated" : c.kind === "create" ? "created" : `${c.kind}d`} while the pair is failed over`,
          why: "The recovery service is the only running database of the pair until the revert; a restart, resize or migration now is an outage of production.",
        }),
      );
  },
};
