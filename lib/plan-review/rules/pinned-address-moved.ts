import { changeFinding } from "../change-finding";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/**
 * A `moved` block (or module rename) onto or off a pinned address. The
 * failover tooling and every state file find a pair's resources at those
 * addresses; docs/pairs.md ("Stable addresses") promises they never change.
 */
export const pinnedAddressMoved: PlanRule = {
  id: "pinned-address-moved",
  severity: "danger",
  title: "a pinned address moved",
  evaluate(plan, context) {
    const moves = plan.changes.filter((c) => c.previousAddress !== undefined && c.previousAddress !== c.address);
    if (!moves.length) return NOT_APPLICABLE;
    const own = context.pairs.filter((p) => context.planStack === undefined || p.stack === context.planStack);
    const pinned = new Set(own.flatMap((p) => [p.primary.address, p.recovery.address, p.integration.address]));
    return moves
      .filter((c) => pinned.has(c.previousAddress!) || pinned.has(c.address))
      .map((c) => {
        const located = context.locate(c);
        return changeFinding(this, c, located, {
          message: `${c.previousAddress} moves to ${c.address}${located ? ` (the ${located.side} of ${located.pair.stack})` : ""}`,
          why: "The failover tooling and state find a pair's resources at their pinned addresses (aiven_pg.primary, aiven_pg.recovery, aiven_service_integration.disaster_recovery): after this move the failover's state rm and the phase's removed and import blocks miss the object. Remove the moved block.",
        });
      });
  },
};
