import { execFileSync } from "child_process";

/**
 * Makes a file immutable (chattr +i), so that even root cannot write it: the
 * test's stand-in for a read-only state or phase file, a full disk, or a
 * permission problem. `undo` must run before the file's folder is removed.
 */
export function makeImmutable(file: string): { undo: () => void } {
  execFileSync("chattr", ["+i", file]);
  return { undo: () => execFileSync("chattr", ["-i", file]) };
}
