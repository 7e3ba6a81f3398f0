import { Command } from "commander";
import { AivenClient } from "../lib/aiven/aiven-client";
import { runCommand } from "../lib/cli/command-runner";
import { npmScriptName, parseCommandLine } from "../lib/cli/parse-command-line";
import { formatStatus } from "../lib/cli/format-status";
import { status } from "../lib/status/fleet-status";
import { STATUS_EXIT, worstVerdict } from "../lib/status/pair-status";

const program = new Command(npmScriptName("status"))
  .description("Show each pair's peers, DR link and recorded phase, flagging drift. Exit 0 healthy, 4 degraded, 5 drifted.")
  .option("--stack <pair>", "one pair's stack")
  .option("--all", "every synthesized pair (the default)", false)
  .option("--json", "print a JSON report", false);
parseCommandLine(program);
const opts = program.opts();

void runCommand(false, async () => {
  const reports = await status({ stack: opts.all ? undefined : opts.stack }, { projectDir: process.cwd(), env: process.env, client: AivenClient.fromEnv(process.env) });
  const verdict = worstVerdict(reports);
  if (opts.json) process.stdout.write(JSON.stringify({ verdict, pairs: reports }, null, 2) + "\n");
  else process.stdout.write(reports.map(formatStatus).join("\n\n") + `\n\n${reports.length} pair(s): ${verdict}\n`);
  return STATUS_EXIT[verdict];
});
