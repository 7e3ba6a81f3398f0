/**
 * CRDR needs a Startup plan or higher. These plan families are refused by
 * Aiven for CRDR. Pair validation and plan review both ask this one table.
 */
export const PLAN_FAMILIES_WITHOUT_CRDR = ["hobbyist", "free", "developer"];

/** `startup-4` → `startup`. */
export function planFamily(plan: string): string {
  return plan.split("-")[0];
}

/** Whether Aiven offers CRDR on this plan. */
export function planSupportsCrdr(plan: string): boolean {
  return !PLAN_FAMILIES_WITHOUT_CRDR.includes(planFamily(plan));
}
