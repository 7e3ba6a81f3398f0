import { changeFinding } from "../change-finding";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/**
 * The plan creates a pair's service although the phase file records the pair
 * (an operation ran on it, so it exists) and the state the plan was made
 * against holds none of the pair's objects: the plan ran against the wrong
 * or an empty state (a local state CI does not have, a wrong key or
 * workspace). Every create would then look harmless while the apply makes
 * second services or fails halfway.
 */
export const pairStateMissing: PlanRule = {
  id: "pair-state-missing",
  severity: "danger",
  title: "an existing pair planned against empty state",
  evaluate(plan, context) {
    const creates = plan.changes.filter((c) => c.type === "aiven_pg" && c.kind === "create" && !c.importing);
    if (!creates.length) return NOT_APPLICABLE;
    return creates.flatMap((c) => {
      const located = context.locate(c);
      if (!located || located.side === "integration" || !context.isRecorded(located.pair)) return [];
      const pair = located.pair;
      const inState = plan.prior.some((p) => context.locate(p)?.pair === pair);
      if (inState) return [];
      return [
        changeFinding(this, c, located, {
          message: `${c.address} creates ${pair[located.side].serviceName}, but the phase file records ${pair.stack} (it exists) and the state holds none of its objects`,
          why: 'The plan was made against an empty or wrong state, so it shows creates where the apply would collide with the live services. Point the review at the pair\'s real state (the repository variable CRDR_BACKEND, as docs/plan-review.md says under "Plan review in CI") and plan again.',
        }),
      ];
    });
  },
};
