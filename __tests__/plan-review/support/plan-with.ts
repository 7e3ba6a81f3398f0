import { parsePlan, TerraformPlan } from "../../../lib/plan-review/terraform-plan";
import { ChangeSpec, planJson } from "../../support/plan-builder";

/** A change as plan-builder writes it, plus the resource-level fields Terraform adds for moves and deposed objects. */
export interface ChangeWith extends ChangeSpec {
  previous_address?: string;
  deposed?: string;
}

/** A plan in Terraform's JSON format, with `previous_address` and `deposed` where given. */
export function planWith(changes: ChangeWith[], extra: Record<string, unknown> = {}): TerraformPlan {
  const json = planJson(changes, extra) as { resource_changes: Array<Record<string, unknown>> };
  changes.forEach((c, i) => {
    if (c.previous_address) json.resource_changes[i].previous_address = c.previous_address;
    if (c.deposed) json.resource_changes[i].deposed = c.deposed;
  });
  return parsePlan(JSON.stringify(json), "test plan");
}
