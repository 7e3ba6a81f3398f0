import { actionReasonOf } from "./action-reason";
import { Finding, Severity } from "./finding";
import { Located } from "./review-context";
import { PlannedChange } from "./terraform-plan";

/**
 * A finding about one planned change: its address, the pair it belongs to,
 * and, for a replace or delete, Terraform's reason and whether the object is
 * deposed, so every such finding says them the same way.
 */
export function changeFinding(
  rule: { readonly id: string; readonly severity: Severity },
  change: PlannedChange,
  located: Located | undefined,
  text: { message: string; why?: string; severity?: Severity },
): Finding {
  const reason = actionReasonOf(change);
  return {
    rule: rule.id,
    severity: text.severity ?? rule.severity,
    address: change.address,
    ...(located ? { stack: located.pair.stack } : {}),
    message: text.message,
    ...(text.why ? { why: text.why } : {}),
    ...(reason ? { reason } : {}),
    ...(change.deposed ? { deposed: change.deposed } : {}),
  };
}
