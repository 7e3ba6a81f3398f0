import * as fs from "fs";
import * as path from "path";
import { OperationName } from "../phase/phase-record";
import { UserError } from "../user-error";
import { WORK_DIR } from "../work-dir";

export { WORK_DIR };

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
const CONFIRMED_BEFORE: Readonly<Record<string, string>> = {
  failover: "takeover-confirmed",
  revert: "failback-confirmed",
};

function isConfirmation(entry: JournalEntry): boolean {
  return entry.event === `${entry.operation}-confirmed` || entry.event === CONFIRMED_BEFORE[entry.operation];
}

const OUTCOMES: readonly string[] = [ROLE_EVENTS.applied, ROLE_EVENTS.refused, ROLE_EVENTS.lapsed];
/** What the machine-wide pair record keeps: the role events, and where an operation ended. */
const PAIR_RECORD_EVENTS: readonly string[] = [...Object.values(ROLE_EVENTS), "completed"];

/**
 * How many requests of one role change may go unanswered by Aiven (sent, then
 * no sign of them for the whole grace period) before a further send needs
 * `--resend`: one run's first request and its one retry, counted across
 * reruns and checkouts, so a grace shorter than Aiven's lag does not send two
 * more on every rerun.
 */
export const UNRESOLVED_SEND_LIMIT = 2;

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

  /**
   * @param pairRecord the machine-wide record of the pair's role changes
   *   (`pairRecordFile`), which every checkout on this machine writes and
   *   reads: a role change sent from one checkout is not sent again from
   *   another. The checkout's journal keeps the whole history.
   */
  constructor(
    private readonly projectDir: string,
    readonly stack: string,
    readonly operation: string,
    readonly runId: string,
    private readonly enabled = true,
    readonly pairRecord?: string,
  ) {
    this.file = path.join(projectDir, WORK_DIR, "journal", `${stack}.jsonl`);
  }

  /** The journal's file, relative to the project (as messages name it). */
  get relativeFile(): string {
    return path.relative(this.projectDir, this.file);
  }

  /** Appends an event; `durable` flushes it to disk before returning (for intents). Role events go to the pair record too. */
  append(event: string, data: Record<string, unknown> = {}, durable = false): void {
    if (!this.enabled) return;
    const entry: JournalEntry = {
      ts: new Date().toISOString(),
      runId: this.runId,
      stack: this.stack,
      operation: this.operation,
      event,
      ...data,
    };
    // The pair record first: an intent the other checkouts cannot see must not be sent.
    if (this.pairRecord && PAIR_RECORD_EVENTS.includes(event))
      appendLine(
        this.pairRecord,
        // Which checkout sent it: status in another checkout says where the run was.
        { ...entry, checkout: this.projectDir },
        durable,
        `${path.dirname(this.pairRecord)} writable (or set CRDR_LOCK_DIR to a writable folder)`,
      );
    appendLine(this.file, entry, durable, `${WORK_DIR}/ writable`);
  }

  /** Ends the pair record's episode without a checkout entry (a region run marks the checkout's once its synth is done). */
  settlePairRecord(): void {
    if (!this.enabled || !this.pairRecord) return;
    appendLine(
      this.pairRecord,
      {
        ts: new Date().toISOString(),
        runId: this.runId,
        stack: this.stack,
        operation: this.operation,
        event: "completed",
      },
      false,
      `${path.dirname(this.pairRecord)} writable`,
    );
  }

  entries(): JournalEntry[] {
    return readEntries(this.file);
  }

  /** The pair record's entries of this operation since any operation on the pair last completed: what runs from every checkout asked of Aiven. */
  pairEpisode(): JournalEntry[] {
    if (!this.pairRecord) return [];
    const all = readEntries(this.pairRecord);
    return all
      .slice(all.map((e) => e.event).lastIndexOf("completed") + 1)
      .filter((e) => e.operation === this.operation);
  }

  /** This operation's entries since it last completed: the episode a rerun continues. */
  episode(): JournalEntry[] {
    const mine = this.entries().filter((e) => e.operation === this.operation);
    return mine.slice(mine.map((e) => e.event).lastIndexOf("completed") + 1);
  }

  /**
   * A role change some run of this episode asked for without learning whether
   * Aiven applied it: in this checkout's journal, or in the pair record (a run
   * from another checkout on this machine).
   */
  openIntent(): JournalEntry | undefined {
    const shared = openIntentOf(this.pairEpisode());
    if (shared) return shared;
    const mine = openIntentOf(this.episode());
    // The pair record is written first, with the same entry: a later outcome
    // or completion there (a run from another checkout settled it) closes
    // this checkout's old intent too, which would otherwise come back in a
    // later, unrelated run.
    return mine && !this.settledInPairRecord(mine) ? mine : undefined;
  }

  private settledInPairRecord(intent: JournalEntry): boolean {
    if (!this.pairRecord) return false;
    return readEntries(this.pairRecord).some(
      (e) =>
        e.ts >= intent.ts &&
        (e.event === "completed" || (OUTCOMES.includes(e.event) && e.side === intent.side && e.role === intent.role)),
    );
  }

  /** Where requests are counted: the pair record (every checkout here) when there is one. */
  private sendsEpisode(): JournalEntry[] {
    return this.pairRecord ? this.pairEpisode() : this.episode();
  }

  /**
   * This checkout's episode and the pair record's, in time order: what runs
   * from every checkout on this machine saw. Entries a run wrote to both
   * appear twice, which no reader of it minds.
   */
  sharedEpisode(): JournalEntry[] {
    return [...this.pairEpisode(), ...this.episode()].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  }

  /**
   * The requests for `side` → `role` sent since any `--resend` of it that
   * Aiven never showed (each ended lapsed: no sign of it for the whole grace
   * period), by runs from any checkout on this machine.
   */
  unresolvedSends(side: string, role: string): JournalEntry[] {
    const episode = this.sendsEpisode();
    const same = (e: JournalEntry) => e.side === side && e.role === role;
    const since = episode.slice(episode.map((e) => e.event === ROLE_EVENTS.resend && same(e)).lastIndexOf(true) + 1);
    return since.filter((e) => e.event === ROLE_EVENTS.lapsed && same(e));
  }

  /** Whether a run of this episode sent `side` → `role` again with `--resend`: after it, one unresolved request is the limit. */
  resent(side: string, role: string): boolean {
    return this.sendsEpisode().some((e) => e.event === ROLE_EVENTS.resend && e.side === side && e.role === role);
  }

  /** The latest role change a run of this episode (from any checkout here) saw Aiven apply; undefined when none (or the journal cannot be read). */
  lastApplied(): JournalEntry | undefined {
    try {
      return this.sharedEpisode()
        .filter((e) => e.event === ROLE_EVENTS.applied)
        .pop();
    } catch {
      return undefined;
    }
  }

  /**
   * When the request behind `applied` left: its intent's time. An outcome
   * read back later (a rerun settling it) is written at the time of reading.
   */
  requestedAt(applied: JournalEntry): string {
    const episode = this.sharedEpisode();
    const intent = episode
      .filter((e) => e.event === ROLE_EVENTS.intent && e.side === applied.side && e.role === applied.role)
      .filter((e) => e.ts <= applied.ts && (!applied.intentRunId || e.runId === applied.intentRunId))
      .pop();
    return intent?.ts ?? applied.ts;
  }

  /** Whether a run of this episode, from any checkout here, saw Aiven apply `side` → `role` (since any `--resend` of it). */
  applied(side: string, role: string): JournalEntry | undefined {
    const episode = this.sharedEpisode();
    const resent = episode
      .map((e) => e.event === ROLE_EVENTS.resend && e.side === side && e.role === role)
      .lastIndexOf(true);
    return episode.slice(resent + 1).find((e) => e.event === ROLE_EVENTS.applied && e.side === side && e.role === role);
  }

  /**
   * The role change that the latest operation in the machine-wide pair record
   * (`pairRecord`) asked for without any run learning whether Aiven applied
   * it: what a rerun of that operation, from any checkout here, settles first.
   */
  static openPairRequest(pairRecord: string): JournalEntry | undefined {
    const all = readEntries(pairRecord);
    const operation = all[all.length - 1]?.operation;
    if (!operation) return undefined;
    return openIntentOf(new Journal("", "*", operation, "-", false, pairRecord).pairEpisode());
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
    const changed =
      episode.some((e) => e.event === ROLE_EVENTS.applied || isConfirmation(e)) ||
      !!new Journal(projectDir, stack, operation, "-", false).openIntent();
    return changed ? (episode.find((e) => e.event === "started") ?? episode[0]) : undefined;
  }
}

function appendLine(file: string, entry: JournalEntry, durable: boolean, fix: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fd = fs.openSync(file, "a", 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(entry) + "\n");
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    throw new JournalWriteError(
      entry,
      `Cannot write the run journal ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); make ${fix} (or free disk space), then rerun.`,
    );
  }
}

function openIntentOf(episode: readonly JournalEntry[]): JournalEntry | undefined {
  const last = episode.map((e) => e.event).lastIndexOf(ROLE_EVENTS.intent);
  if (last < 0) return undefined;
  const intent = episode[last];
  const resolved = episode
    .slice(last + 1)
    .some((e) => OUTCOMES.includes(e.event) && e.side === intent.side && e.role === intent.role);
  return resolved ? undefined : intent;
}

function readEntries(file: string): JournalEntry[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
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

/** An applied role change in words that lead a later failure: "Aiven has already made pg-primary failed (an earlier run, at T)". */
export function describeApplied(
  pair: { primary: { serviceName: string }; recovery: { serviceName: string } } | undefined,
  entry: JournalEntry,
  by: string,
): string {
  const side = entry.side === "primary" || entry.side === "recovery" ? entry.side : undefined;
  const service = side && pair ? pair[side].serviceName : `the ${String(entry.side)}`;
  return `Aiven has already made ${service} ${String(entry.role)} (${by}, at ${entry.ts})`;
}
