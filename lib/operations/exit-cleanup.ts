import * as fs from "fs";

/**
 * Removes a lock's directory and then its holder note when the process exits
 * with the lock still ours, however it exits: SIGINT and SIGTERM end a run
 * with `process.exit` (see command-runner), which runs no `finally`, and the
 * lock library's own removal at exit does not always happen (state-restore
 * stopped mid-push kept its directory). The directory goes first: a lock left
 * without its note is one nobody can tell is stale, while a note without its
 * lock is overwritten by the next holder. Returns the way to stop watching
 * (once the holder released it).
 */
export function releaseAtExit(note: string, lockDir: string, stillMine: () => boolean): () => void {
  const remove = () => {
    try {
      if (!stillMine()) return;
      fs.rmSync(lockDir, { recursive: true, force: true });
      fs.rmSync(note, { force: true });
    } catch {
      // The process is ending: nothing more can be done about it.
    }
  };
  process.on("exit", remove);
  return () => process.off("exit", remove);
}
