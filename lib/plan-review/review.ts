import { atLeast, Finding, Severity, SEVERITIES } from "./finding";
import { NOT_APPLICABLE } from "./plan-rule";
import { ReviewContext } from "./review-context";
import { PLAN_RULES } from "./rules";
import { TerraformPlan } from "./terraform-plan";

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly replace: number;
  readonly import: number;
  readonly forget: number;
}

export interface ReviewResult {
  readonly verdict: "danger" | "warning" | "ok";
  readonly counts: ChangeCounts;
  readonly findings: readonly Finding[];
  /** The stacks whose plans were reviewed, when known. */
  readonly stacks: readonly string[];
  readonly terraformVersion?: string;
  readonly changes: ReadonlyArray<{ address: string; action: string }>;
}

export function countChanges(plan: TerraformPlan): ChangeCounts {
  const managed = plan.changes.filter((c) => c.mode === "managed");
  const count = (kind: string) => managed.filter((c) => c.kind === kind).length;
  return {
    add: count("create"),
    change: count("update"),
    destroy: count("delete"),
    replace: count("replace"),
    import: managed.filter((c) => c.importing).length,
    forget: count("forget"),
  };
}

/** Runs every rule over the plan; findings come most severe first. */
export function reviewPlan(plan: TerraformPlan, context: ReviewContext): ReviewResult {
  const findings = PLAN_RULES.flatMap((rule) => {
    const result = rule.evaluate(plan, context);
    return result === NOT_APPLICABLE ? [] : result;
  }).sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
  const verdict = findings.some((f) => f.severity === "danger") ? "danger" : findings.some((f) => f.severity === "warning") ? "warning" : "ok";
  return {
    verdict,
    counts: countChanges(plan),
    findings,
    stacks: context.planStack ? [context.planStack] : [],
    terraformVersion: plan.terraformVersion,
    changes: plan.changes
      .filter((c) => c.kind !== "no-op" || c.importing)
      .map((c) => ({ address: c.address, action: c.importing && c.kind === "no-op" ? "import" : c.kind + (c.kind === "replace" ? (c.createBeforeDestroy ? " (create before destroy)" : " (destroy before create)") : "") })),
  };
}

export function failsAt(result: ReviewResult, threshold: Severity): boolean {
  return result.findings.some((f) => atLeast(f.severity, threshold));
}

/** One report for several stacks' plans (one PR comment for the whole change). */
export function mergeResults(results: readonly ReviewResult[]): ReviewResult {
  if (results.length === 1) return results[0];
  const sum = (key: keyof ChangeCounts) => results.reduce((t, r) => t + r.counts[key], 0);
  const findings = results.flatMap((r) => r.findings).sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
  return {
    verdict: results.some((r) => r.verdict === "danger") ? "danger" : results.some((r) => r.verdict === "warning") ? "warning" : "ok",
    counts: { add: sum("add"), change: sum("change"), destroy: sum("destroy"), replace: sum("replace"), import: sum("import"), forget: sum("forget") },
    findings,
    stacks: results.flatMap((r) => r.stacks),
    terraformVersion: results.find((r) => r.terraformVersion)?.terraformVersion,
    changes: results.flatMap((r) => r.changes.map((c) => ({ ...c, address: r.stacks.length === 1 ? `${r.stacks[0]}: ${c.address}` : c.address }))),
  };
}
