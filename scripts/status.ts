import { Command } from "commander";
import { assertStackName } from "../lib/stack-name";
import { AivenClient } from "../lib/aiven/aiven-client";
import { runCommand } from "../lib/cli/command-runner";
import { formatStatus, formatStatusTable } from "../lib/cli/format-status";
import { commandName, TOOL_COMMANDS } from "../lib/cli/crdr-commands";
import { parseCommandLine } from "../lib/cli/parse-command-line";
import { status } from "../lib/status/fleet-status";
import { countVerdicts, STATUS_EXIT, worstVerdict } from "../lib/status/pair-status";
import { JSON_VERSION } from "../lib/reporting/reporter";
import { UserError } from "../lib/user-error";

const program = new Command(commandName("status"))
  .description(TOOL_COMMANDS["status"].description)
  .option("--stack <pair>", "one pair's stack")
  .option("--region <cloud>", "the pairs whose primary is in this region")
  .option("--all", "every synthesized pair (what happens without --stack or --region)")
  .option("--parallel <n>", "pairs read at once", "16")
  .option("--json", "print one JSON document: {version, verdict, counts, pairs}");
parseCommandLine(program);
const opts = program.opts<{ stack?: string; region?: string; all?: boolean; parallel: string; json?: boolean }>();

void runCommand(!!opts.json, async () => {
  if (opts.stack !== undefined) assertStackName(opts.stack);
  if ([opts.stack, opts.region, opts.all].filter(Boolean).length > 1)
    throw new UserError("Pass at most one of --stack, --region and --all.");
  const parallel = Number(opts.parallel);
  if (!Number.isInteger(parallel) || parallel < 1)
    throw new UserError(`--parallel "${opts.parallel}" is not a positive whole number; use a value such as 16.`);
  const reports = await status(
    { stack: opts.stack, region: opts.region, parallel },
    { projectDir: process.cwd(), env: process.env, client: AivenClient.fromEnv(process.env) },
  );
  const verdict = worstVerdict(reports);
  const counts = countVerdicts(reports);
  if (opts.json) {
    process.stdout.write(JSON.stringify({ version: JSON_VERSION, verdict, counts, pairs: reports }, null, 2) + "\n");
  } else {
    const table = reports.length > 1 ? `${formatStatusTable(reports)}\n\n` : "";
    const tally = `${reports.length} pair(s): ${counts.healthy} healthy, ${counts.degraded} degraded, ${counts.drifted} drifted`;
    process.stdout.write(table + reports.map(formatStatus).join("\n\n") + `\n\n${tally}\n`);
  }
  return STATUS_EXIT[verdict];
});
