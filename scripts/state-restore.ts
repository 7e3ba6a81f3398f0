import { realTerraform } from "../lib/terraform/terraform-factory";
import { Command } from "commander";
import { runCommand } from "../lib/cli/command-runner";
import { commandName, TOOL_COMMANDS } from "../lib/cli/crdr-commands";
import { parseCommandLine } from "../lib/cli/parse-command-line";
import { EXIT } from "../lib/exit-codes";
import { restoreState } from "../lib/operations/state-restore";

const program = new Command(commandName("state-restore"))
  .description(TOOL_COMMANDS["state-restore"].description)
  .requiredOption("--stack <pair>", "the pair's stack, as in cdktf.out/stacks/<pair>")
  .option("--backup <file>", "the backup to put back (default: the stack's newest in .crdr/backups)")
  .option("--dry-run", "show what would be put back; change nothing", false)
  .option("--yes", "do not ask for confirmation", false)
  .option("--json", "print NDJSON events on stdout", false);
parseCommandLine(program);
const opts = program.opts<{ stack: string; backup?: string; dryRun: boolean; yes: boolean; json: boolean }>();

void runCommand(opts.json, async (io) => {
  await restoreState(
    { stack: opts.stack, backup: opts.backup, yes: opts.yes, dryRun: opts.dryRun },
    {
      projectDir: process.cwd(),
      env: process.env,
      reporter: io.reporter,
      confirm: io.confirm,
      terraform: realTerraform,
    },
  );
  return EXIT.ok;
});
