import { Command } from "commander";
import { assertStackName } from "../lib/stack-name";
import { runCommand } from "../lib/cli/command-runner";
import { commandName, TOOL_COMMANDS } from "../lib/cli/crdr-commands";
import { parseCommandLine } from "../lib/cli/parse-command-line";
import { drill } from "../lib/drill/drill";
import { formatDuration, parseMillis } from "../lib/duration";
import { EXIT } from "../lib/exit-codes";
import { realTerraform } from "../lib/terraform/terraform-factory";

const program = new Command(commandName("drill"))
  .description(TOOL_COMMANDS["drill"].description)
  .option("--stack <pair>", "one pair (default: every synthesized pair)")
  .option(
    "--transition-ms <ms>",
    "duration of each simulated transition (default: realistic timings of a few seconds, with intermediate states)",
  )
  .option("--swap-link", "simulate a DR link whose ends follow the active role", false)
  .option("--keep", "keep the throw-away project for inspection", false)
  .option(
    "--journal-dir <dir>",
    "append each pair's run journal to DIR/<stack>.jsonl, after the journals of earlier drills there (CI carries them from run to run)",
  )
  .option(
    "--postgres",
    "back each pair with a real PostgreSQL 15 primary and standby, kill the primary mid-stream of canaries, and compare the canaries lost with the failover's estimate",
    false,
  );
parseCommandLine(program);
const opts = program.opts();

void runCommand(false, async ({ reporter }) => {
  const write = (line: string) => process.stdout.write(line + "\n");
  // A usage mistake comes alone, before the banner.
  const transitionMs = opts.transitionMs === undefined ? undefined : parseMillis(opts.transitionMs, "--transition-ms");
  if (opts.stack !== undefined) assertStackName(opts.stack);
  write("CRDR drill: local simulator, throw-away stacks and state\n");
  const report = await drill(
    {
      stack: opts.stack,
      transitionMs,
      swapLink: opts.swapLink,
      keep: opts.keep,
      journalDir: opts.journalDir,
      postgres: opts.postgres,
    },
    { projectDir: process.cwd(), env: process.env, progress: write, terraform: realTerraform },
  );
  const failed = report.steps.filter((s) => s.failures.length);
  const total = report.steps.reduce((t, s) => t + s.durationMs, 0);
  if (opts.keep) reporter.info(`work dir kept: ${report.workDir}`);
  write(`\n${report.steps.length - failed.length} passed, ${failed.length} failed (${formatDuration(total)})`);
  return report.passed ? EXIT.ok : EXIT.checkFailed;
});
