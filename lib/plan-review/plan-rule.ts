import { isDrLink } from "../aiven/dr-link";
import { Finding, Severity } from "./finding";
import { Located, ReviewContext } from "./review-context";
import { PlannedChange, TerraformPlan } from "./terraform-plan";

/**
 * One review rule (cdk-nag style): given the plan and its context it is
 * not applicable (nothing it looks at is in the plan), compliant (no
 * findings), or non-compliant (findings).
 */
export interface PlanRule {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  evaluate(plan: TerraformPlan, context: ReviewContext): Finding[] | typeof NOT_APPLICABLE;
}

export const NOT_APPLICABLE = "not-applicable" as const;

/** Whether a planned `aiven_service_integration`'s values are a DR link (the API's predicate, on Terraform's attribute names). */
export function isPlannedDrLink(values: Record<string, unknown> | null | undefined): boolean {
  return (
    !!values && typeof values.integration_type === "string" && isDrLink({ integration_type: values.integration_type })
  );
}

/** The aiven_pg changes to one side of pairs the phase file records as failed over. */
export function failedOverPeerChanges(
  plan: TerraformPlan,
  context: ReviewContext,
  side: "primary" | "recovery",
): Array<{ change: PlannedChange; located: Located }> {
  return plan.changes.flatMap((change) => {
    const located = change.type === "aiven_pg" ? context.locate(change) : undefined;
    return located?.side === side && context.phaseOf(located.pair).phase === "failed-over" ? [{ change, located }] : [];
  });
}

/** Changes that would touch a live object (not no-op, read or forget). */
export const TOUCHING_KINDS = ["create", "update", "replace", "delete"];
