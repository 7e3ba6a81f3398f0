import { Command } from "commander";
import * as path from "path";
import { runCommand } from "../lib/cli/command-runner";
import { commandName, TOOL_COMMANDS } from "../lib/cli/crdr-commands";
import { parseCommandLine } from "../lib/cli/parse-command-line";
import { withFileLock } from "../lib/operations/operation-lock";
import { migratePhaseFile } from "../lib/phase/phase-migration";
import { settingsForTooling } from "../lib/settings/tool-settings";
import { declaredStacks } from "../lib/synth/declared-stacks";

const program = new Command(commandName("phase-migrate")).description(TOOL_COMMANDS["phase-migrate"].description);
parseCommandLine(program);

void runCommand(false, async () => {
  const projectDir = process.cwd();
  const { phaseDir } = settingsForTooling(projectDir, process.env);
  // The lock every phase writer holds: no operation records a phase half-way through the move.
  const result = await withFileLock(phaseDir, () =>
    migratePhaseFile(phaseDir, (folderExists) => declaredStacks(projectDir, process.env, !folderExists)),
  );
  const folder = `${path.relative(projectDir, phaseDir)}/`;
  const old = path.relative(projectDir, result.legacyFile);
  if (!result.migrated) {
    process.stdout.write(
      `Nothing to migrate: ${old} does not exist, so the phases are in ${folder}, one file per pair.\n`,
    );
    return;
  }
  const already = result.verified.length - result.written.length;
  const moved = result.verified.length
    ? `Wrote the phases of ${result.written.length} pair(s) into ${folder}${already ? ` (${already} were there already)` : ""}, read all ${result.verified.length} back equal to ${old}'s records (${result.verified.join(", ")}), and removed ${old}.`
    : `${old} held no pair's phase; removed it (an operation writes a pair's file in ${folder} when it records a phase).`;
  process.stdout.write(`${moved} Commit the folder and the removal together.\n`);
});
