import { PlannedChange } from "./terraform-plan";

/** Terraform's `action_reason` values for replaces and deletes, in words. */
const IN_WORDS: Record<string, string> = {
  replace_because_tainted: "it is tainted: a failed create, or terraform taint, marked it for replacement",
  replace_because_cannot_update: "an argument that cannot change in place has changed",
  replace_by_request: "someone asked for it with -replace",
  replace_by_triggers: "its replace_triggered_by fired",
  delete_because_no_resource_config: "its resource block is gone from the configuration",
  delete_because_no_module: "its module is gone from the configuration",
  delete_because_wrong_repetition: "count or for_each was added to or removed from its block",
  delete_because_count_index: "its count index is beyond the new count",
  delete_because_each_key: "its for_each key is gone",
  delete_because_no_move_target: "a moved block points at an address that no longer exists",
};

/**
 * Why Terraform replaces or deletes this object, as `code: words`; undefined
 * for other actions, or when the plan gives no reason.
 */
export function actionReasonOf(change: PlannedChange): string | undefined {
  if (change.kind !== "replace" && change.kind !== "delete") return undefined;
  if (!change.actionReason) return undefined;
  const words = IN_WORDS[change.actionReason];
  return words ? `${change.actionReason}: ${words}` : change.actionReason;
}
