import * as fs from "fs";
import * as path from "path";
import { UserError } from "../user-error";
import { loadReviewContext } from "./load-review-context";
import { mergeResults, notReviewedResult, reviewPlan, ReviewResult, withPhaseChanges } from "./review";
import { readCdktfConfig } from "../settings/cdktf-config";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { stateUnreachableFromCi } from "./state-reach";
import { stackPlanFailed, stackPlanMissing, stackPlanUnreadable } from "./stack-not-planned";
import { parsePlan } from "./terraform-plan";

/**
 * The files the plan loop (plan-all-stacks.sh, beside this file) leaves in
 * its output directory: for each synthesized stack either its plan or the
 * record of its failure; or, when it could not plan at all, one record
 * saying why.
 */
export const PLAN_RECORDS = {
  plan: (stack: string) => `${stack}.json`,
  failure: (stack: string) => `${stack}.failed.log`,
  notPlanned: "not-planned.txt",
} as const;

/**
 * Reviews a plan loop's output against every synthesized stack, failing
 * closed: a stack without a readable plan is a danger, never skipped, and a
 * loop that could not plan at all is "not reviewed", never a pass.
 */
export interface PlanDirectoryOptions {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly note: (line: string) => void;
  /** The base branch's phase folder (see `basePhaseDirOf`), to compare the pull request's phases with. */
  readonly basePhaseDir?: string;
  /** The plans were made where the project's local state files are not (CI): a stack with local state is not reviewed. */
  readonly requireSharedState?: boolean;
}

export function reviewPlanDirectory(dir: string, options: PlanDirectoryOptions): ReviewResult {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UserError(
      `--plans-dir ${dir} is not a directory; pass the directory the plan loop (lib/plan-review/plan-all-stacks.sh) wrote its plans to.`,
    );
  }
  // Every pair's phase change is in the headline, whatever happened to its plan.
  const { context } = loadReviewContext(options.projectDir, options.env, undefined, options.basePhaseDir);
  const notPlanned = path.join(dir, PLAN_RECORDS.notPlanned);
  if (fs.existsSync(notPlanned)) {
    const reason = fs.readFileSync(notPlanned, "utf8").trim();
    return withPhaseChanges(notReviewedResult(reason || "the plan loop could not plan"), context);
  }
  const stacks = context.pairs.map((p) => p.stack);
  if (!stacks.length) {
    throw new UserError(
      `No synthesized stacks in ${options.projectDir}; run npm run synth before reviewing --plans-dir ${dir}, so every declared stack is known.`,
    );
  }
  const strays = fs
    .readdirSync(dir)
    .filter(
      (f) =>
        /\.(json|failed\.log)$/.test(f) &&
        !stacks.some((s) => f === PLAN_RECORDS.plan(s) || f === PLAN_RECORDS.failure(s)),
    );
  if (strays.length) {
    throw new UserError(
      `${path.join(dir, strays[0])} is for no synthesized stack (${stacks.map((s) => `"${s}"`).join(", ")}); plan from the same synth, or remove the file.`,
    );
  }
  return withPhaseChanges(mergeResults(stacks.map((stack) => reviewStack(dir, stack, options))), context);
}

function reviewStack(dir: string, stack: string, options: PlanDirectoryOptions): ReviewResult {
  if (options.requireSharedState) {
    const unreachable = stateUnreachableFromCi(
      SynthesizedStack.load(readCdktfConfig(options.projectDir).outdir, stack),
    );
    if (unreachable) return { ...notReviewedResult(unreachable), stacks: [stack] };
  }
  const planFile = path.join(dir, PLAN_RECORDS.plan(stack));
  const failureFile = path.join(dir, PLAN_RECORDS.failure(stack));
  if (fs.existsSync(failureFile)) return stackPlanFailed(stack, fs.readFileSync(failureFile, "utf8"));
  if (!fs.existsSync(planFile)) return stackPlanMissing(stack);
  let plan;
  try {
    plan = parsePlan(fs.readFileSync(planFile, "utf8"), planFile);
  } catch (err) {
    if (err instanceof UserError) return stackPlanUnreadable(stack, err.message);
    throw err;
  }
  const { context, notes } = loadReviewContext(options.projectDir, options.env, stack, options.basePhaseDir);
  notes.forEach(options.note);
  return reviewPlan(plan, context);
}
