import * as fs from "fs";

/**
 * Whether process `pid` on this machine is still running: it exists (or is
 * another user's, which `kill 0` may not signal) and is not a zombie, which
 * a killed process stays until its parent reaps it.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}
