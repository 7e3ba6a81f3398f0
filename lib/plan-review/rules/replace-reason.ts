import { actionReasonOf } from "../action-reason";
import { changeFinding } from "../change-finding";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/**
 * Why Terraform replaces or deletes each Aiven object (tainted, -replace, an
 * argument that cannot change in place, a removed block…), and which deletes
 * are of deposed objects. Every other finding about a replace or delete
 * carries the same reason (change-finding.ts); this rule lists them all.
 */
export const replaceReason: PlanRule = {
  id: "replace-reason",
  severity: "info",
  title: "why Terraform replaces or deletes",
  evaluate(plan, context) {
    const removals = plan.changes.filter(
      (c) => c.mode === "managed" && c.type.startsWith("aiven_") && (c.kind === "replace" || c.kind === "delete"),
    );
    if (!removals.length) return NOT_APPLICABLE;
    return removals
      .filter((c) => actionReasonOf(c) !== undefined || c.deposed !== undefined)
      .map((c) =>
        changeFinding(this, c, context.locate(c), {
          message: c.deposed
            ? `deposed object ${c.deposed} of ${c.address} is deleted`
            : `${c.address} is ${c.kind === "replace" ? "replaced" : "deleted"}`,
          // Terraform's reason itself is the finding's `reason` (change-finding.ts), shown once.
          ...(c.deposed
            ? {
                why: "A deposed object is the old one left behind when a create-before-destroy replace could not destroy it; deleting it destroys that object for good.",
              }
            : {}),
        }),
      );
  },
};
