import { PlanRule } from "../plan-rule";

/** How many left-out addresses a finding names before it says "and N more". */
const NAMED = 5;

/**
 * A plan that is not all the apply would ever do: Terraform says so
 * (`complete: false`, from -target or deferred changes), or objects in state
 * are missing from its changes, which only a -target plan does.
 */
export const incompletePlan: PlanRule = {
  id: "incomplete-plan",
  severity: "warning",
  title: "incomplete plan (-target, or deferred changes)",
  evaluate(plan) {
    const planned = new Set(
      plan.changes.flatMap((c) => [
        `${c.address}#${c.deposed ?? ""}`,
        ...(c.previousAddress ? [`${c.previousAddress}#${c.deposed ?? ""}`] : []),
      ]),
    );
    const leftOut = plan.prior
      .filter((p) => p.mode === "managed" && !planned.has(`${p.address}#${p.deposed ?? ""}`))
      .map((p) => p.address);
    if (plan.complete && !leftOut.length) return [];
    const named =
      leftOut.slice(0, NAMED).join(", ") + (leftOut.length > NAMED ? ` and ${leftOut.length - NAMED} more` : "");
    return [
      {
        rule: this.id,
        severity: this.severity,
        message: leftOut.length
          ? `the plan leaves out ${leftOut.length} object${leftOut.length === 1 ? "" : "s"} in state (${named}): a -target (or -refresh-only) plan`
          : "Terraform marks the plan incomplete (complete: false): it was made with -target, or some changes are deferred to a later plan",
        why: "An incomplete plan does not show everything the configuration would change; a dangerous change to a DR pair can hide in what it leaves out. Review a full plan (no -target) before merging.",
      },
    ];
  },
};
