import * as fs from "fs";
import * as path from "path";
import { WORK_DIR } from "../operations/journal";

/**
 * Appends each pair's run journal from a drill's throw-away project to
 * `journalDir/<stack>.jsonl` (mode 0600), so the journals of earlier drills
 * there are carried forward, as each operation's are. Returns the files
 * written. The drill's operations never read these: each drill starts on a
 * fresh simulator, where an earlier drill's open intent would mean nothing.
 */
export function appendDrillJournals(workDir: string, journalDir: string): string[] {
  const from = path.join(workDir, WORK_DIR, "journal");
  if (!fs.existsSync(from)) return [];
  fs.mkdirSync(journalDir, { recursive: true });
  return fs
    .readdirSync(from)
    .filter((name) => name.endsWith(".jsonl"))
    .map((name) => {
      const to = path.join(journalDir, name);
      fs.appendFileSync(to, fs.readFileSync(path.join(from, name)), { mode: 0o600 });
      fs.chmodSync(to, 0o600);
      return to;
    });
}
