import { Command, Option } from "commander";
import * as fs from "fs";
import { runCommand } from "../lib/cli/command-runner";
import { markdownReport } from "../lib/plan-review/markdown-report";
import { failsAt } from "../lib/plan-review/review";
import { reviewPlanFiles } from "../lib/plan-review/review-files";

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

void runCommand(false, async () => {
  const result = reviewPlanFiles(program.args, {
    projectDir: process.cwd(),
    env: process.env,
    defaultStack: opts.stack,
    note: (line) => process.stderr.write(`note: ${line}\n`),
  });
  const report = opts.json ? JSON.stringify(result, null, 2) + "\n" : markdownReport(result) + "\n";
  if (opts.out) fs.writeFileSync(opts.out, report);
  else process.stdout.write(report);
  return failsAt(result, opts.failOn) ? 3 : 0;
});
