import { pendingImportsOf } from "../../phase/phase-record";
import { changeFinding } from "../change-finding";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/** Imports (from `import` blocks): Terraform takes over an object that already exists. */
export const importExplained: PlanRule = {
  id: "import-explained",
  severity: "info",
  title: "objects Terraform imports",
  evaluate(plan, context) {
    const imports = plan.changes.filter((c) => c.importing && c.type.startsWith("aiven_"));
    if (!imports.length) return NOT_APPLICABLE;
    return imports.map((c) => {
      const located = context.locate(c);
      const phase = located ? context.phaseOf(located.pair) : undefined;
      const expected = !!phase && pendingImportsOf(phase).some((i) => i.address === c.address);
      // An import is followed by nothing, an update or a replace: "updated", "replaced".
      return changeFinding(this, c, located, {
        message: `${c.address} is imported${c.importing?.id ? ` from ${c.importing.id}` : ""}${c.kind !== "no-op" ? ` and then ${c.kind}d` : ""}`,
        why: expected
          ? "Expected after the revert: the object exists at Aiven and Terraform takes it over instead of creating it. Rerun npm run revert after the apply to clear the pending import."
          : "Terraform takes over an object that already exists; nothing is created.",
      });
    });
  },
};
