import * as path from "path";
import { keepPulledState, StateBackup } from "../terraform/state-backup";
import { WORK_DIR } from "./journal";
import { PairRun } from "./pair-run";

/** Where every state backup goes: git-ignored, private, beside the journals. */
export function backupDirectory(projectDir: string): string {
  return path.join(projectDir, WORK_DIR, "backups");
}

/**
 * The step before an operation writes state: the state as it is now (what
 * `terraform state pull` just returned; the caller runs no other terraform
 * command before its write) kept in `.crdr/backups/` and verified, its
 * lineage, serial and sha256 in the journal. Only then is it named in the
 * output. If this throws, the caller writes nothing.
 */
export async function backUpBeforeWrite(ctx: PairRun, pulled: string, projectDir: string): Promise<StateBackup> {
  const backup = await keepPulledState(pulled, backupDirectory(projectDir), ctx.options.stack);
  const file = path.relative(projectDir, backup.file);
  ctx.journal.append("state-backed-up", {
    file,
    lineage: backup.lineage,
    serial: backup.serial,
    sha256: backup.sha256,
  });
  ctx.reporter.info(
    `state as it was (serial ${backup.serial}, ${backup.resources.length} resources) backed up to ${file} (private: it holds the services' passwords)`,
  );
  return backup;
}
