import { Command, Option } from "commander";
import * as fs from "fs";
import { runCommand } from "../lib/cli/command-runner";
import { loadReviewContext } from "../lib/plan-review/load-review-context";
import { markdownReport } from "../lib/plan-review/markdown-report";
import { failsAt, mergeResults, reviewPlan } from "../lib/plan-review/review";
import { parsePlan } from "../lib/plan-review/terraform-plan";
import { UserError } from "../lib/user-error";

const program = new Command("plan:review")
  .description("Review Terraform JSON plans (terraform show -json <planfile>) for what is dangerous to a CRDR pair; one report for all of them.")
  .argument("<plans...>", "plan JSON files, each optionally as STACK=FILE; - reads stdin")
  .option("--json", "print a JSON report instead of Markdown", false)
  .option("--out <file>", "write the report to a file instead of stdout")
  .addOption(new Option("--fail-on <severity>", "exit 3 when a finding at or above this severity is present").choices(["danger", "warning"]).default("danger"))
  .option("--stack <pair>", "the stack a single plan was made for (same as STACK=FILE)")
  .showHelpAfterError()
  .parse();
const opts = program.opts();

function readPlanText(file: string): string {
  try {
    return file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError(`Cannot read the plan ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass the path of "terraform show -json <planfile>" output, or - for stdin.`);
  }
}

void runCommand(false, async () => {
  const results = program.args.map((arg) => {
    const match = /^([A-Za-z][A-Za-z0-9_-]*)=(.+)$/.exec(arg);
    const [stack, file] = match ? [match[1], match[2]] : [opts.stack as string | undefined, arg];
    const plan = parsePlan(readPlanText(file), file === "-" ? "standard input" : file);
    const { context, notes } = loadReviewContext(process.cwd(), process.env, stack);
    for (const note of notes) process.stderr.write(`note: ${note}\n`);
    return reviewPlan(plan, context);
  });
  const result = mergeResults(results);
  const report = opts.json ? JSON.stringify(result, null, 2) + "\n" : markdownReport(result) + "\n";
  if (opts.out) fs.writeFileSync(opts.out, report);
  else process.stdout.write(report);
  return failsAt(result, opts.failOn) ? 3 : 0;
});
