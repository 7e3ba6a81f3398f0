import * as fs from "fs";
import * as path from "path";

/** The gitignored folder for run journals and state backups. */
export const WORK_DIR = ".crdr";

export interface JournalEntry {
  readonly ts: string;
  readonly runId: string;
  readonly stack: string;
  readonly operation: string;
  readonly event: string;
  readonly [key: string]: unknown;
}

/**
 * An append-only JSON-lines record of each run's steps, one file per stack.
 * A rerun reads it to learn what an interrupted run already did at Aiven,
 * even when the API cannot tell it (for example while a peer is unreachable).
 */
export class Journal {
  readonly file: string;

  constructor(
    projectDir: string,
    readonly stack: string,
    readonly operation: string,
    readonly runId: string,
    private readonly enabled = true,
  ) {
    this.file = path.join(projectDir, WORK_DIR, "journal", `${stack}.jsonl`);
  }

  append(event: string, data: Record<string, unknown> = {}): void {
    if (!this.enabled) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const entry: JournalEntry = { ts: new Date().toISOString(), runId: this.runId, stack: this.stack, operation: this.operation, event, ...data };
    fs.appendFileSync(this.file, JSON.stringify(entry) + "\n");
  }

  entries(): JournalEntry[] {
    if (!fs.existsSync(this.file)) return [];
    return fs
      .readFileSync(this.file, "utf8")
      .split("\n")
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as JournalEntry];
        } catch {
          return []; // a line cut short by a crash
        }
      });
  }

  /**
   * The latest run of any operation on `stack` that changed a role at Aiven
   * but never completed: Aiven and Terraform may disagree until it is rerun.
   */
  static unfinishedChange(projectDir: string, stack: string): JournalEntry | undefined {
    const all = new Journal(projectDir, stack, "*", "-", false).entries();
    const operation = all[all.length - 1]?.operation;
    if (!operation) return undefined;
    const mine = all.filter((e) => e.operation === operation);
    const pending = mine.slice(mine.map((e) => e.event).lastIndexOf("completed") + 1);
    return pending.some((e) => e.event === "role-sent") ? pending.find((e) => e.event === "started") ?? pending[0] : undefined;
  }

  /**
   * Whether a run of this operation sent `event` since the operation last
   * completed, so an interrupted run's effect is not repeated.
   */
  sinceLastCompletion(event: string): JournalEntry | undefined {
    const mine = this.entries().filter((e) => e.operation === this.operation);
    const lastDone = mine.map((e) => e.event).lastIndexOf("completed");
    return mine.slice(lastDone + 1).find((e) => e.event === event);
  }
}
