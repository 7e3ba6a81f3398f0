import { Command, Option } from "commander";
import * as fs from "fs";
import { runCommand } from "../lib/cli/command-runner";
import { markdownReport, reviewFailedReport } from "../lib/plan-review/markdown-report";
import { failsAt, ReviewResult } from "../lib/plan-review/review";
import { reviewPlanFiles } from "../lib/plan-review/review-files";
import { reviewPlanDirectory } from "../lib/plan-review/review-plan-directory";
import { commandName, TOOL_COMMANDS } from "../lib/cli/crdr-commands";
import { parseCommandLine } from "../lib/cli/parse-command-line";
import { EXIT } from "../lib/exit-codes";
import { JSON_VERSION } from "../lib/reporting/reporter";
import { settingsForTooling } from "../lib/settings/tool-settings";
import { basePhaseDirOf } from "../lib/plan-review/base-phases";
import { UserError } from "../lib/user-error";

const program = new Command(commandName("plan-review"))
  .description(TOOL_COMMANDS["plan-review"].description)
  .argument("[plans...]", "plan JSON files, each optionally as STACK=FILE; - reads stdin")
  .option(
    "--plans-dir <dir>",
    "review the plan loop's output (lib/plan-review/plan-all-stacks.sh): every synthesized stack must have a plan there",
  )
  .option("--json", "print a JSON report instead of Markdown", false)
  .option("--out <file>", "write the report to a file instead of stdout; written even when the review fails")
  .addOption(
    new Option("--fail-on <severity>", "exit 3 when a finding at or above this severity is present")
      .choices(["danger", "warning"])
      .default("danger"),
  )
  .option("--stack <pair>", "the stack a single plan was made for (same as STACK=FILE)")
  .option(
    "--base-project <dir>",
    "a checkout of the base branch: its phases (found as the tooling finds them) are what --base-phases names",
  )
  .option(
    "--base-phases <path>",
    "the phases as the base branch has them, its phase folder (crdr-phases) or its old single phase file (crdr-phases.json): every change the pull request makes to a pair's phase is shown, and one the tooling would not write is a danger (no phase files means every pair was normal)",
  )
  .addOption(new Option("--base-phase-file <path>", "the same as --base-phases").hideHelp())
  .option(
    "--require-shared-state",
    "with --plans-dir on CI: a stack whose state is local (no CRDR_BACKEND) is not reviewed, since its plan ran against empty state",
    false,
  );
parseCommandLine(program);
const opts = program.opts();

void runCommand(!!opts.json, async () => {
  const report = (text: string) => (opts.out ? fs.writeFileSync(opts.out, text) : process.stdout.write(text));
  let result: ReviewResult;
  try {
    const note = (line: string) => process.stderr.write(`note: ${line}\n`);
    if (opts.plansDir && program.args.length)
      throw new UserError(
        `Pass either --plans-dir or plan files, not both (got --plans-dir ${opts.plansDir} and ${program.args.join(" ")}).`,
      );
    if (!opts.plansDir && !program.args.length)
      throw new UserError("No plans given; pass plan files (STACK=FILE, or - for stdin) or --plans-dir DIR.");
    const basePaths = [opts.basePhases, opts.basePhaseFile].filter((p): p is string => p !== undefined);
    if (opts.baseProject && basePaths.length)
      throw new UserError(
        `Pass either --base-project or --base-phases, not both (got ${opts.baseProject} and ${basePaths[0]}).`,
      );
    if (basePaths.length > 1) throw new UserError(`Pass --base-phases once (got ${basePaths.join(" and ")}).`);
    const basePhaseDir: string | undefined = opts.baseProject
      ? settingsForTooling(opts.baseProject, process.env).phaseDir
      : basePaths[0] === undefined
        ? undefined
        : basePhaseDirOf(basePaths[0]);
    result = opts.plansDir
      ? reviewPlanDirectory(opts.plansDir, {
          projectDir: process.cwd(),
          env: process.env,
          note,
          basePhaseDir,
          requireSharedState: opts.requireSharedState,
        })
      : reviewPlanFiles(program.args, {
          projectDir: process.cwd(),
          env: process.env,
          defaultStack: opts.stack,
          basePhaseDir,
          note,
        });
  } catch (err) {
    // The PR comment must never keep an earlier verdict when this run failed.
    if (opts.out && !opts.json)
      report(
        reviewFailedReport(
          err instanceof UserError
            ? err.message
            : "The review crashed (a bug in the review tool); the job's log has the stack trace.",
        ) + "\n",
      );
    throw err;
  }
  report(
    opts.json ? JSON.stringify({ version: JSON_VERSION, ...result }, null, 2) + "\n" : markdownReport(result) + "\n",
  );
  return failsAt(result, opts.failOn) ? EXIT.checkFailed : EXIT.ok;
});
