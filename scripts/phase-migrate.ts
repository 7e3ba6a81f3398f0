import { Command } from "commander";
import * as path from "path";
import { runCommand } from "../lib/cli/command-runner";
import { npmScriptName, parseCommandLine } from "../lib/cli/parse-command-line";
import { withFileLock } from "../lib/operations/operation-lock";
import { migratePhaseFile } from "../lib/phase/phase-migration";
import { settingsForTooling } from "../lib/settings/tool-settings";

const program = new Command(npmScriptName("phase-migrate")).description(
  "Move the old single phase file (crdr-phases.json) into the phase folder, one file per pair (crdr-phases/<stack>.json): each file is read back and compared with the old record before the old file is removed. Exit 2 when the folder contradicts the old file.",
);
parseCommandLine(program);

void runCommand(false, async () => {
  const projectDir = process.cwd();
  const { phaseDir } = settingsForTooling(projectDir, process.env);
  // The lock every phase writer holds: no operation records a phase half-way through the move.
  const result = await withFileLock(phaseDir, () => migratePhaseFile(phaseDir));
  const folder = `${path.relative(projectDir, phaseDir)}/`;
  const old = path.relative(projectDir, result.legacyFile);
  if (!result.migrated) {
    process.stdout.write(`Nothing to migrate: ${old} does not exist, so the phases are in ${folder}, one file per pair.\n`);
    return;
  }
  const already = result.verified.length - result.written.length;
  const moved = result.verified.length
    ? `Wrote the phases of ${result.written.length} pair(s) into ${folder}${already ? ` (${already} were there already)` : ""}, read all ${result.verified.length} back equal to ${old}'s records (${result.verified.join(", ")}), and removed ${old}.`
    : `${old} held no pair's phase; removed it (an operation writes a pair's file in ${folder} when it records a phase).`;
  process.stdout.write(`${moved} Commit the folder and the removal together.\n`);
});
