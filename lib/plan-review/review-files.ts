import * as fs from "fs";
import { UserError } from "../user-error";
import { loadReviewContext } from "./load-review-context";
import { mergeResults, reviewPlan, ReviewResult } from "./review";
import { parsePlan } from "./terraform-plan";

/**
 * Reviews plan files given as `FILE` or `STACK=FILE` (`-` is stdin) against
 * the project's phases and synthesized stacks, as one result.
 */
export function reviewPlanFiles(
  specs: readonly string[],
  options: {
    projectDir: string;
    env: NodeJS.ProcessEnv;
    defaultStack?: string;
    basePhaseDir?: string;
    note: (line: string) => void;
  },
): ReviewResult {
  const results = specs.map((spec) => {
    const match = /^([A-Za-z][A-Za-z0-9_-]*)=(.+)$/.exec(spec);
    const [stack, file] = match ? [match[1], match[2]] : [options.defaultStack, spec];
    const plan = parsePlan(readPlanText(file), file === "-" ? "standard input" : file);
    const { context, notes } = loadReviewContext(options.projectDir, options.env, stack, options.basePhaseDir);
    notes.forEach(options.note);
    return reviewPlan(plan, context);
  });
  return mergeResults(results);
}

function readPlanText(file: string): string {
  try {
    return file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError(
      `Cannot read the plan ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass the path of "terraform show -json <planfile>" output, or - for stdin.`,
    );
  }
}
