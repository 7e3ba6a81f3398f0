import { Command, Option } from "commander";
import { runCommand } from "../lib/cli/command-runner";
import { parseCommandLine } from "../lib/cli/parse-command-line";
import { DispatchedOperation } from "../lib/ci/dispatch";
import { writeRunReport } from "../lib/ci/run-report";
import { OPERATIONS } from "../lib/phase/phase-record";
import { UserError } from "../lib/user-error";

const program = new Command("node tools/run-built.js scripts/dr-report")
  .description(
    "Write the report of a dispatched DR run (the dr-operation workflow): the job summary and, for an operation, the phase-file pull request's title, body and commit message.",
  )
  .addOption(
    new Option("--operation <name>", "what was dispatched")
      .choices([...OPERATIONS, "status", "drill"])
      .makeOptionMandatory(),
  )
  .option("--stack <pair>", "the pair's stack, as dispatched")
  .option("--region <cloud>", "the region, as dispatched (failover)")
  .option("--project <name>", "the Aiven project a region run was narrowed to, as dispatched")
  .option("--primary-unreachable", "as dispatched", false)
  .option("--state-only", "as dispatched", false)
  .option("--accept-data-loss", "as dispatched", false)
  .option("--dry-run", "as dispatched", false)
  .requiredOption("--output <file>", "what the command printed on stdout (it may be missing)")
  .option("--stderr <file>", "what it printed on stderr")
  .option("--exit-code <code>", "its exit code; leave it empty when it never ran", "")
  .option("--run-url <url>", "the workflow run's address")
  .option("--arguments <args>", "the arguments the command ran with, shown in the summary")
  .requiredOption("--out-dir <dir>", "where to write the report");
parseCommandLine(program);
const opts = program.opts();

void runCommand(false, async () => {
  const exitCode = opts.exitCode === "" ? undefined : Number(opts.exitCode);
  if (exitCode !== undefined && !Number.isInteger(exitCode))
    throw new UserError(
      `--exit-code "${opts.exitCode}" is not a whole number; pass the command's exit code, or nothing if it never ran.`,
    );
  const files = writeRunReport({
    dispatch: {
      operation: opts.operation as DispatchedOperation,
      stack: opts.stack || undefined,
      region: opts.region || undefined,
      project: opts.project || undefined,
      primaryUnreachable: opts.primaryUnreachable,
      stateOnly: opts.stateOnly,
      acceptDataLoss: opts.acceptDataLoss,
      dryRun: opts.dryRun,
    },
    outputFile: opts.output,
    stderrFile: opts.stderr,
    exitCode,
    runUrl: opts.runUrl,
    arguments: opts.arguments,
    outDir: opts.outDir,
    projectDir: process.cwd(),
    env: process.env,
  });
  process.stdout.write(files.map((f) => `wrote ${f}`).join("\n") + "\n");
});
