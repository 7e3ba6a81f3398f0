import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { processAlive } from "../process-alive";

/** Copies still on disk, removed if the process exits first (Ctrl-C and SIGTERM end it with process.exit). */
const live = new Set<string>();
let cleanupInstalled = false;
const PREFIX = "crdr-restore-";

/**
 * Runs `use` with `text` (a state: it holds the services' passwords) in a
 * private temporary file: mode 0600 in a folder only the owner can enter,
 * removed afterwards, and also when the process is stopped meanwhile. A copy
 * a killed process (SIGKILL) left behind is removed by the next use.
 */
export async function withPrivateStateCopy<T>(text: string, use: (file: string) => Promise<T>): Promise<T> {
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    process.on("exit", () => live.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  }
  removeCopiesLeftByTheDead();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`));
  live.add(dir);
  try {
    const file = path.join(dir, "restore.tfstate");
    fs.writeFileSync(file, text, { mode: 0o600 });
    return await use(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    live.delete(dir);
  }
}

/** The temp folders of copies whose process is gone (the folder's name carries its PID); others' are left alone. */
function removeCopiesLeftByTheDead(): void {
  let names: string[];
  try {
    names = fs.readdirSync(os.tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1];
    if (!pid || processAlive(Number(pid))) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      // Only this user's: another user's folder is theirs to clean.
      if (fs.statSync(dir).uid === process.getuid?.()) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}
