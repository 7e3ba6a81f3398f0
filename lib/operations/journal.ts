import * as fs from "fs";
import * as path from "path";
import { OperationName } from "../phase/phase-record";
import { UserError } from "../user-error";

/** The gitignored folder for run journals, locks and state backups. */
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
 * The journal's role-change events. An intent is written (and flushed to
 * disk) before the request leaves; exactly one outcome follows it, unless the
 * run died first, in which case the next run finds the intent open and
 * resolves it by reading Aiven, never by sending.
 */
export const ROLE_EVENTS = {
  intent: "role-intent",
  applied: "role-applied",
  refused: "role-refused",
  ambiguous: "role-ambiguous",
  lapsed: "role-lapsed",
  /** `--resend`: an accepted change Aiven never acted on is set aside, to be sent again as a new intent. */
  resend: "role-resend",
} as const;

/** The event a run writes once Aiven shows what its operation leads to: `failover-confirmed`. */
export function confirmedEvent(operation: OperationName): string {
  return `${operation}-confirmed`;
}

/** The names earlier versions wrote for `confirmedEvent`: still read, so their journals resume as written. */
const CONFIRMED_BEFORE: Readonly<Record<string, string>> = { failover: "takeover-confirmed", revert: "failback-confirmed" };

function isConfirmation(entry: JournalEntry): boolean {
  return entry.event === `${entry.operation}-confirmed` || entry.event === CONFIRMED_BEFORE[entry.operation];
}

const OUTCOMES: readonly string[] = [ROLE_EVENTS.applied, ROLE_EVENTS.refused, ROLE_EVENTS.lapsed];

/** A journal entry that could not be written: what it would have said matters (say, that Aiven applied a change). */
export class JournalWriteError extends UserError {
  constructor(
    readonly entry: JournalEntry,
    message: string,
  ) {
    super(message);
    this.name = "JournalWriteError";
  }
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

  /** Appends an event; `durable` flushes it to disk before returning (for intents). */
  append(event: string, data: Record<string, unknown> = {}, durable = false): void {
    if (!this.enabled) return;
    const entry: JournalEntry = { ts: new Date().toISOString(), runId: this.runId, stack: this.stack, operation: this.operation, event, ...data };
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const fd = fs.openSync(this.file, "a", 0o600);
      try {
        fs.writeSync(fd, JSON.stringify(entry) + "\n");
        if (durable) fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      throw new JournalWriteError(entry, `Cannot write the run journal ${this.file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); make ${WORK_DIR}/ writable (or free disk space), then rerun.`);
    }
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

  /** This operation's entries since it last completed: the episode a rerun continues. */
  episode(): JournalEntry[] {
    const mine = this.entries().filter((e) => e.operation === this.operation);
    return mine.slice(mine.map((e) => e.event).lastIndexOf("completed") + 1);
  }

  /** A role change some run of this episode asked for without learning whether Aiven applied it. */
  openIntent(): JournalEntry | undefined {
    const episode = this.episode();
    const last = episode.map((e) => e.event).lastIndexOf(ROLE_EVENTS.intent);
    if (last < 0) return undefined;
    const intent = episode[last];
    const resolved = episode.slice(last + 1).some((e) => OUTCOMES.includes(e.event) && e.side === intent.side && e.role === intent.role);
    return resolved ? undefined : intent;
  }

  /** The latest role change a run of this episode saw Aiven apply; undefined when none (or the journal cannot be read). */
  lastApplied(): JournalEntry | undefined {
    try {
      return this.episode().filter((e) => e.event === ROLE_EVENTS.applied).pop();
    } catch {
      return undefined;
    }
  }

  /** Whether a run of this episode saw Aiven apply `side` → `role` (since any `--resend` of it). */
  applied(side: string, role: string): JournalEntry | undefined {
    const episode = this.episode();
    const resent = episode.map((e) => e.event === ROLE_EVENTS.resend && e.side === side && e.role === role).lastIndexOf(true);
    return episode.slice(resent + 1).find((e) => e.event === ROLE_EVENTS.applied && e.side === side && e.role === role);
  }

  /**
   * The latest run of any operation on `stack` that changed (or may have
   * changed) a role at Aiven but never completed: Aiven and Terraform may
   * disagree until it is rerun.
   */
  static unfinishedChange(projectDir: string, stack: string): JournalEntry | undefined {
    const all = new Journal(projectDir, stack, "*", "-", false).entries();
    const operation = all[all.length - 1]?.operation;
    if (!operation) return undefined;
    const episode = new Journal(projectDir, stack, operation, "-", false).episode();
    // Aiven confirmed (even a change someone else made) and the run never completed: the phase file may not say so.
    const changed = episode.some((e) => e.event === ROLE_EVENTS.applied || isConfirmation(e)) || !!new Journal(projectDir, stack, operation, "-", false).openIntent();
    return changed ? (episode.find((e) => e.event === "started") ?? episode[0]) : undefined;
  }
}

/** An applied role change in words that lead a later failure: "Aiven has already made pg-primary failed (an earlier run, at T)". */
export function describeApplied(pair: { primary: { serviceName: string }; recovery: { serviceName: string } } | undefined, entry: JournalEntry, by: string): string {
  const side = entry.side === "primary" || entry.side === "recovery" ? entry.side : undefined;
  const service = side && pair ? pair[side].serviceName : `the ${String(entry.side)}`;
  return `Aiven has already made ${service} ${String(entry.role)} (${by}, at ${entry.ts})`;
}
