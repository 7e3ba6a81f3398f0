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
  readonly stack?: string;
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
    stack: context.planStack,
    terraformVersion: plan.terraformVersion,
    changes: plan.changes
      .filter((c) => c.kind !== "no-op" || c.importing)
      .map((c) => ({ address: c.address, action: c.importing && c.kind === "no-op" ? "import" : c.kind + (c.kind === "replace" ? (c.createBeforeDestroy ? " (create before destroy)" : " (destroy before create)") : "") })),
  };
}

export function failsAt(result: ReviewResult, threshold: Severity): boolean {
  return result.findings.some((f) => atLeast(f.severity, threshold));
}
