import * as fs from "fs";
import { UserError } from "../user-error";

/**
 * Makes sure each folder a run will write after the role change exists (made
 * private, as state backups need) and can be written, before anything is
 * sent: a role change followed by a backup or journal that cannot be written
 * leaves the pair half done.
 */
export function assertFoldersWritable(folders: readonly string[]): void {
  for (const folder of folders) {
    try {
      fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
      if (!fs.statSync(folder).isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
      fs.accessSync(folder, fs.constants.W_OK);
      // Root passes access checks on read-only mounts and immutable folders: write for real.
      const probe = `${folder}/.crdr-write-probe-${process.pid}`;
      fs.writeFileSync(probe, "", { mode: 0o600 });
      fs.rmSync(probe, { force: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new UserError(
        `The folder ${folder} cannot be written (${code}); the run writes there once Aiven has changed, so make it a writable folder (or free disk space), then rerun. Nothing was sent to Aiven.`,
      );
    }
  }
}
