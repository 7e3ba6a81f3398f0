import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Copies still on disk, removed if the process exits first (Ctrl-C and SIGTERM end it with process.exit). */
const live = new Set<string>();
let cleanupInstalled = false;

/**
 * Runs `use` with `text` (a state: it holds the services' passwords) in a
 * private temporary file: mode 0600 in a folder only the owner can enter,
 * removed afterwards, and also when the process is stopped meanwhile.
 */
export async function withPrivateStateCopy<T>(text: string, use: (file: string) => Promise<T>): Promise<T> {
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    process.on("exit", () => live.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-restore-"));
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
