import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/** Forget actions (from `removed` blocks): Terraform stops managing an object and leaves it running. */
export const forgetExplained: PlanRule = {
  id: "forget-explained",
  severity: "info",
  title: "objects Terraform forgets",
  evaluate(plan, context) {
    const forgets = plan.changes.filter((c) => c.kind === "forget" && c.type.startsWith("aiven_"));
    if (!forgets.length) return NOT_APPLICABLE;
    return forgets.map((c) => {
      const located = context.locate(c);
      const phase = located ? context.phaseOf(located.pair) : undefined;
      let meaning = "Terraform stops managing it; the object itself is left as it is.";
      if (located && phase?.phase === "failed-over" && located.side === "integration") {
        meaning = "Expected after the failover: the DR link is no longer Terraform's to manage; Aiven keeps it for the revert.";
      } else if (located && phase?.phase === "failed-over" && located.side === "primary") {
        meaning = "Expected after a failover with an unreachable primary: Terraform forgets the failed primary; the revert imports it back.";
      } else if (located) {
        meaning = `Not expected in phase "${phase?.phase}": check why ${located.pair.stack} forgets its ${located.side}.`;
      }
      return { rule: this.id, severity: this.severity, address: c.address, stack: located?.pair.stack, message: `${c.address} is forgotten (removed from state, not destroyed)`, why: meaning };
    });
  },
};
