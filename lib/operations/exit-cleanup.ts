import * as fs from "fs";

/**
 * Removes `file` when the process exits with it still ours, however it exits:
 * SIGINT and SIGTERM end a run with `process.exit` (see command-runner),
 * which runs no `finally`. Lock directories are removed at exit by the lock
 * library itself; the note naming their holder is this project's, so it goes
 * here, or it would name a run that is no longer there. Returns the way to
 * stop watching (once the holder removed it itself).
 */
export function removeAtExit(file: string, stillMine: () => boolean): () => void {
  const remove = () => {
    try {
      if (stillMine()) fs.rmSync(file, { force: true });
    } catch {
      // The process is ending: nothing more can be done about it.
    }
  };
  process.on("exit", remove);
  return () => process.off("exit", remove);
}
