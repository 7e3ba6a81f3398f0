/** Aiven's plan tiers, smallest first. */
const TIERS = ["hobbyist", "free", "developer", "startup", "business", "premium"];

/** `startup-4` → tier startup, size 4; `premium-6x-16` → tier premium, size 16. */
function parse(plan: string): { tier: number; size: number } | undefined {
  const match = /^([a-z]+)(?:-\d+x)?(?:-(\d+))?$/.exec(plan);
  if (!match || !TIERS.includes(match[1])) return undefined;
  return { tier: TIERS.indexOf(match[1]), size: match[2] ? Number(match[2]) : 0 };
}

/**
 * Which of two Aiven plans is larger: negative when `a` is smaller, positive
 * when larger, 0 when the same size, undefined when either name is not one
 * this review knows how to size. The memory size (the number) decides first,
 * then the tier (more nodes).
 */
export function comparePlanSize(a: string, b: string): number | undefined {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return undefined;
  return pa.size !== pb.size ? pa.size - pb.size : pa.tier - pb.tier;
}
