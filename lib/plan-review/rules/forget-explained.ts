import { changeFinding } from "../change-finding";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/**
 * Forget actions (from `removed` blocks) that are no cause for concern: those
 * the pair's recorded phase lays out as forgotten, and those of Aiven objects
 * that belong to no pair. A pair's forget the phase does not expect is
 * forget-unexpected's.
 */
export const forgetExplained: PlanRule = {
  id: "forget-explained",
  severity: "info",
  title: "objects Terraform forgets",
  evaluate(plan, context) {
    const forgets = plan.changes.filter((c) => c.kind === "forget" && c.type.startsWith("aiven_"));
    if (!forgets.length) return NOT_APPLICABLE;
    return forgets.flatMap((c) => {
      const located = context.locate(c);
      if (located && context.layoutOf(located) !== "forgotten") return [];
      const why = !located
        ? "Terraform stops managing it; the object itself is left as it is."
        : located.side === "integration"
          ? "Expected after the failover: the DR link is no longer Terraform's to manage; Aiven keeps it for the revert."
          : "Expected after a failover with an unreachable primary: the phase file records the primary as forgotten; the revert imports it back.";
      return [
        changeFinding(this, c, located, {
          message: `${c.address} is forgotten (removed from state, not destroyed)`,
          why,
        }),
      ];
    });
  },
};
