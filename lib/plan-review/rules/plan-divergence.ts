import { comparePlanSize } from "../aiven-plan-size";
import { changeFinding } from "../change-finding";
import { Located, ReviewContext } from "../review-context";
import { attribute, isSensitive, PlannedChange, priorAttribute, TerraformPlan } from "../terraform-plan";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

const WHY = {
  smaller:
    "A recovery service smaller than its primary may not carry the production load after a failover; keep both on the same plan.",
  larger:
    "A recovery service larger than its primary costs more, and load that grows on it while failed over may not fit the primary after the revert; keep both on the same plan.",
  unknown:
    "Primary and recovery on different plans: after a failover the recovery service may not carry the load the primary did; keep both on the same plan.",
};

/** Primary and recovery on different plans: after a failover the recovery service may not carry the load. */
export const planDivergence: PlanRule = {
  id: "plan-divergence",
  severity: "warning",
  title: "primary and recovery plans diverging",
  evaluate(plan, context) {
    const touched = plan.changes.filter(
      (c) =>
        c.type === "aiven_pg" &&
        !c.deposed &&
        ["create", "update", "replace"].includes(c.kind) &&
        attribute(c, "after", "plan") !== undefined,
    );
    if (!touched.length) return NOT_APPLICABLE;
    return touched.flatMap((c) => {
      const located = context.locate(c);
      if (!located || located.side === "integration") return [];
      const peerSide = located.side === "primary" ? "recovery" : "primary";
      const peer = peerPlan(plan, context, c, { pair: located.pair, side: peerSide });
      const mine = attribute(c, "after", "plan");
      const before = attribute(c, "before", "plan");
      if (
        typeof mine !== "string" ||
        typeof peer !== "string" ||
        mine === peer ||
        (c.kind !== "create" && before === mine)
      )
        return [];
      const [primaryPlan, recoveryPlan] = located.side === "primary" ? [mine, peer] : [peer, mine];
      const order = comparePlanSize(recoveryPlan, primaryPlan);
      const direction = order === undefined || order === 0 ? "unknown" : order < 0 ? "smaller" : "larger";
      return [
        changeFinding(this, c, located, {
          message: `${located.side} ${located.pair[located.side].serviceName} goes to plan ${mine} while its ${peerSide} is on ${peer}${direction === "unknown" ? "" : `: the recovery service would be ${direction} than its primary`}`,
          why: WHY[direction],
        }),
      ];
    });
  },
};

/**
 * The plan the peer will be on: from its own change, else from state, else
 * as declared. Undefined when the plan marks it sensitive: then it is not
 * compared, nor shown.
 */
function peerPlan(
  plan: TerraformPlan,
  context: ReviewContext,
  change: PlannedChange,
  peer: { pair: Located["pair"]; side: "primary" | "recovery" },
): unknown {
  const same = (l: Located | undefined) => l?.pair === peer.pair && l.side === peer.side;
  const peerChange = plan.changes.find(
    (o) => o !== change && o.type === "aiven_pg" && !o.deposed && same(context.locate(o)),
  );
  if (peerChange) {
    const values = peerChange.after ?? peerChange.before;
    return isSensitive(values, "plan")
      ? undefined
      : (attribute(peerChange, "after", "plan") ?? attribute(peerChange, "before", "plan"));
  }
  const inState = plan.prior.find((p) => p.type === "aiven_pg" && !p.deposed && same(context.locate(p)));
  if (inState)
    return isSensitive(inState.values, "plan")
      ? undefined
      : (priorAttribute(inState, "plan") ?? peer.pair[peer.side].plan);
  return peer.pair[peer.side].plan;
}
