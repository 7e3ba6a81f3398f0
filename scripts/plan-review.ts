import { Command, Option } from "commander";
import * as fs from "fs";
import { runCommand } from "../lib/cli/command-runner";
import { loadReviewContext } from "../lib/plan-review/load-review-context";
import { markdownReport } from "../lib/plan-review/markdown-report";
import { failsAt, reviewPlan } from "../lib/plan-review/review";
import { parsePlan } from "../lib/plan-review/terraform-plan";
import { UserError } from "../lib/user-error";

const program = new Command("plan:review")
  .description("Review a Terraform JSON plan (terraform show -json <planfile>) for what is dangerous to a CRDR pair.")
  .argument("<plan.json>", "the plan JSON file, or - for stdin")
  .option("--json", "print a JSON report instead of Markdown", false)
  .option("--out <file>", "write the report to a file instead of stdout")
  .addOption(new Option("--fail-on <severity>", "exit 3 when a finding at or above this severity is present").choices(["danger", "warning"]).default("danger"))
  .option("--stack <pair>", "the stack the plan was made for (enables the cross-stack check)")
  .showHelpAfterError()
  .parse();
const opts = program.opts();
const [file] = program.args;

void runCommand(false, async () => {
  let text: string;
  try {
    text = file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError(`Cannot read the plan ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass the path of "terraform show -json <planfile>" output, or - for stdin.`);
  }
  const plan = parsePlan(text, file === "-" ? "standard input" : file);
  const { context, notes } = loadReviewContext(process.cwd(), process.env, opts.stack);
  const result = reviewPlan(plan, context);
  for (const note of notes) process.stderr.write(`note: ${note}\n`);
  const report = opts.json ? JSON.stringify(result, null, 2) + "\n" : markdownReport(result) + "\n";
  if (opts.out) fs.writeFileSync(opts.out, report);
  else process.stdout.write(report);
  return failsAt(result, opts.failOn) ? 3 : 0;
});
