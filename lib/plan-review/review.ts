import { describePhase } from "../phase/phase-change";
import { actionReasonOf } from "./action-reason";
import { atLeast, Finding, Severity, SEVERITIES } from "./finding";
import { NOT_APPLICABLE } from "./plan-rule";
import { ReviewContext } from "./review-context";
import { PLAN_RULES } from "./rules";
import { PlannedChange, TerraformPlan } from "./terraform-plan";

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly replace: number;
  readonly import: number;
  readonly forget: number;
}

/** `not-reviewed`: no plan could be made at all (no credentials); never a pass. */
export type Verdict = "danger" | "warning" | "ok" | "not-reviewed";

export interface ReviewResult {
  readonly verdict: Verdict;
  /** Why nothing was reviewed, with the verdict `not-reviewed`. */
  readonly notReviewed?: string;
  readonly counts: ChangeCounts;
  readonly findings: readonly Finding[];
  /** The stacks whose plans were reviewed, when known. */
  readonly stacks: readonly string[];
  readonly terraformVersion?: string;
  readonly changes: ReadonlyArray<{ address: string; type: string; action: string }>;
  /** Each pair whose recorded phase the pull request changes, as `stack: from → to`, for the headline. */
  readonly phaseChanges?: readonly string[];
}

export const NO_CHANGES: ChangeCounts = Object.freeze({
  add: 0,
  change: 0,
  destroy: 0,
  replace: 0,
  import: 0,
  forget: 0,
});

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

const bySeverity = (a: Finding, b: Finding) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity);

export function verdictOf(findings: readonly Finding[]): Verdict {
  return findings.some((f) => f.severity === "danger")
    ? "danger"
    : findings.some((f) => f.severity === "warning")
      ? "warning"
      : "ok";
}

/** Runs every rule over the plan; findings come most severe first, each saying which plan it came from. */
export function reviewPlan(plan: TerraformPlan, context: ReviewContext): ReviewResult {
  const findings = PLAN_RULES.flatMap((rule) => {
    const result = rule.evaluate(plan, context);
    return result === NOT_APPLICABLE ? [] : result;
  })
    .map((f) => (context.planStack ? { ...f, plan: context.planStack } : f))
    .sort(bySeverity);
  return {
    verdict: verdictOf(findings),
    counts: countChanges(plan),
    findings,
    stacks: context.planStack ? [context.planStack] : [],
    terraformVersion: plan.terraformVersion,
    changes: plan.changes
      .filter((c) => c.kind !== "no-op" || c.importing)
      .map((c) => ({ address: c.address, type: c.type, action: actionOf(c) })),
    ...phaseChangesOf(context),
  };
}

function phaseChangesOf(context: ReviewContext): { phaseChanges?: string[] } {
  const changes = context
    .phaseChanges()
    .map(({ pair, from, to }) => `${pair.stack}: ${describePhase(from)} → ${describePhase(to)}`);
  return changes.length ? { phaseChanges: changes } : {};
}

/** The result with every phase change the context sees in its headline, also of stacks whose plan failed or that were not reviewed. */
export function withPhaseChanges(result: ReviewResult, context: ReviewContext): ReviewResult {
  const all = [...new Set([...(result.phaseChanges ?? []), ...(phaseChangesOf(context).phaseChanges ?? [])])];
  return all.length ? { ...result, phaseChanges: all } : result;
}

/** The action as the changes table shows it: the kind, with replace order, deposed key and Terraform's reason. */
function actionOf(c: PlannedChange): string {
  if (c.importing && c.kind === "no-op") return "import";
  const notes = [
    ...(c.kind === "replace" ? [c.createBeforeDestroy ? "create before destroy" : "destroy before create"] : []),
    ...(c.deposed ? [`deposed object ${c.deposed}`] : []),
    ...(actionReasonOf(c) ? [c.actionReason!] : []),
  ];
  return c.kind + (notes.length ? ` (${notes.join("; ")})` : "");
}

/** The result when no plan could be made, so nothing was reviewed. */
export function notReviewedResult(reason: string): ReviewResult {
  return { verdict: "not-reviewed", notReviewed: reason, counts: NO_CHANGES, findings: [], stacks: [], changes: [] };
}

/** Exit 3 territory: a finding at or above the threshold, or nothing reviewed at all. */
export function failsAt(result: ReviewResult, threshold: Severity): boolean {
  return result.verdict === "not-reviewed" || result.findings.some((f) => atLeast(f.severity, threshold));
}

/** One report for several stacks' plans (one PR comment for the whole change). */
export function mergeResults(results: readonly ReviewResult[]): ReviewResult {
  if (results.length === 1) return results[0];
  const sum = (key: keyof ChangeCounts) => results.reduce((t, r) => t + r.counts[key], 0);
  const findings = results.flatMap((r) => r.findings).sort(bySeverity);
  const notReviewed = results.filter((r) => r.verdict === "not-reviewed").map((r) => r.notReviewed ?? "");
  const phaseChanges = [...new Set(results.flatMap((r) => r.phaseChanges ?? []))];
  return {
    verdict: notReviewed.length ? "not-reviewed" : verdictOf(findings),
    ...(notReviewed.length ? { notReviewed: notReviewed.join(" ") } : {}),
    ...(phaseChanges.length ? { phaseChanges } : {}),
    counts: {
      add: sum("add"),
      change: sum("change"),
      destroy: sum("destroy"),
      replace: sum("replace"),
      import: sum("import"),
      forget: sum("forget"),
    },
    findings,
    stacks: results.flatMap((r) => r.stacks),
    terraformVersion: results.find((r) => r.terraformVersion)?.terraformVersion,
    changes: results.flatMap((r) =>
      r.changes.map((c) => ({ ...c, address: r.stacks.length === 1 ? `${r.stacks[0]}: ${c.address}` : c.address })),
    ),
  };
}
