import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as lockfile from "proper-lockfile";
import { processAlive } from "../process-alive";
import { UserError } from "../user-error";
import { releaseAtExit } from "./exit-cleanup";
import { WORK_DIR } from "./journal";

/** Who holds a pair's operation lock; written beside the lock for whoever is refused. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly user: string;
  readonly operation: string;
  readonly runId: string;
  readonly startedAt: string;
}

/**
 * A lock is stale when its holder stopped refreshing it for this long (the
 * holder died without releasing it). Synth blocks the holder's event loop
 * for a few seconds at most, far below this. (`CRDR_LOCK_STALE_MS` shortens
 * it for tests; proper-lockfile's floor is 5 s.)
 */
const STALE_MS = Math.max(5000, Number(process.env.CRDR_LOCK_STALE_MS) || 60_000);

/** Where the pair locks of this user live on this machine, whichever checkout a run starts from. */
export function lockDirectory(env: NodeJS.ProcessEnv): string {
  if (env.CRDR_LOCK_DIR) return path.resolve(env.CRDR_LOCK_DIR);
  return path.join(os.homedir(), ".cache", "crdr", "locks");
}

/** The pair a lock is for: its Aiven project and primary service (the pair's identity at Aiven), and the stack that names it here. */
export interface LockedPair {
  readonly project: string;
  readonly primaryService: string;
  readonly stack: string;
}

/** The pair's name in the lock folder: its Aiven project and primary service, as file-name characters. */
function pairFileName(pair: Omit<LockedPair, "stack">): string {
  return [pair.project, pair.primaryService].map((part) => part.replace(/[^A-Za-z0-9_-]/g, "_")).join(".");
}

/**
 * The machine-wide record of the pair's role changes, beside its lock: every
 * checkout on this machine journals its intents there too, so a run from any
 * checkout sees a request another checkout's run sent and never resolved.
 */
export function pairRecordFile(dir: string, pair: Omit<LockedPair, "stack">): string {
  return path.join(dir, `${pairFileName(pair)}.role-changes.jsonl`);
}

/** Refused because another run holds the pair: that run is in charge, whatever this one's journal shows. */
export class LockHeldError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "LockHeldError";
  }
}

/**
 * One DR operation at a time per pair on this machine, from any checkout: a
 * lock directory per Aiven project and primary service under
 * `lockDirectory()` (atomic mkdir, refreshed while held, stale when its
 * holder stops refreshing it or, on this host, when its process is gone),
 * with a note of who holds it. Across machines, the role-change discipline
 * (read before write; a pair in transition is waited for, never sent to) and
 * the CI workflow's concurrency group are the guarantee.
 */
export class OperationLock {
  static async acquire(
    dir: string,
    pair: LockedPair,
    holder: Omit<LockHolder, "pid" | "host" | "user" | "startedAt">,
  ): Promise<OperationLock> {
    const target = path.join(dir, pairFileName(pair));
    const lockDir = `${target}.lock`;
    const holderFile = `${target}.holder.json`;
    const stack = pair.stack;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new UserError(
        `Cannot create the lock folder ${dir} (${(err as NodeJS.ErrnoException).code}); make it writable or set CRDR_LOCK_DIR to a folder you can write, then rerun. Nothing was sent to Aiven.`,
      );
    }
    let compromised = false;
    // A holder that stopped refreshing the lock (a stopped or hung process)
    // may lose it to another run; it must then send nothing more.
    const options = {
      realpath: false,
      lockfilePath: lockDir,
      stale: STALE_MS,
      onCompromised: () => (compromised = true),
    };
    // The lock directory and its note cannot be made in one step. A claim
    // naming this process is written first, so a directory left by a
    // process killed between the two is known to be that dead process's.
    const claim = claimFile(target, process.pid);
    const take = async () => {
      fs.writeFileSync(claim, JSON.stringify({ pid: process.pid, host: os.hostname() }) + "\n", { mode: 0o600 });
      try {
        return await lockfile.lock(target, options);
      } catch (err) {
        fs.rmSync(claim, { force: true });
        throw err;
      }
    };
    let release: () => Promise<void>;
    try {
      release = await take();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ELOCKED") throw err;
      const current = await readHolderSoon(holderFile);
      const deadHolder = current && current.host === os.hostname() && !processAlive(current.pid);
      const deadClaims = current ? [] : claimsLeftByTheDead(target);
      if (deadHolder || deadClaims.length > 0) {
        // Its holder died on this machine without releasing it (with its
        // note, or between making the directory and writing the note).
        fs.rmSync(lockDir, { recursive: true, force: true });
        for (const file of deadClaims) fs.rmSync(file, { force: true });
        release = await take().catch((again) => {
          throw (again as NodeJS.ErrnoException).code === "ELOCKED" ? refusal(stack, readHolder(holderFile)) : again;
        });
      } else {
        throw refusal(stack, current);
      }
    }
    const mine: LockHolder = {
      ...holder,
      pid: process.pid,
      host: os.hostname(),
      user: os.userInfo().username,
      startedAt: new Date().toISOString(),
    };
    try {
      fs.writeFileSync(holderFile, JSON.stringify(mine, null, 2) + "\n", { mode: 0o600 });
      fs.rmSync(claim, { force: true });
      for (const file of claimsLeftByTheDead(target)) fs.rmSync(file, { force: true });
    } catch (err) {
      await release().catch(() => undefined);
      fs.rmSync(claim, { force: true });
      throw new UserError(
        `Cannot write ${holderFile} (${(err as NodeJS.ErrnoException).code}); free disk space or set CRDR_LOCK_DIR to a writable folder, then rerun. Nothing was sent to Aiven.`,
      );
    }
    return new OperationLock(release, holderFile, lockDir, stack, holder.runId, () => compromised);
  }

  private released = false;
  private readonly stopWatchingExit: () => void;

  private constructor(
    private readonly releaseLock: () => Promise<void>,
    private readonly holderFile: string,
    lockDir: string,
    private readonly stack: string,
    private readonly runId: string,
    private readonly compromised: () => boolean,
  ) {
    this.stopWatchingExit = releaseAtExit(holderFile, lockDir, () => this.isMine());
  }

  /** Not taken over by another run: its note still names this run. */
  private isMine(): boolean {
    return !this.compromised() && readHolder(this.holderFile)?.runId === this.runId;
  }

  /**
   * Refuses when this run no longer holds the lock (it was stopped long
   * enough for another run to take it over): it must not send a role change
   * the other run may already have sent.
   */
  assertHeld(): void {
    const holder = readHolder(this.holderFile);
    if (!this.compromised() && holder?.runId === this.runId) return;
    if (!holder && !this.compromised()) {
      throw new UserError(
        `This run's lock on ${this.stack} (${this.holderFile}) was deleted while it ran, so another run may have started; nothing more was sent. Check the pair with npm run status -- --stack ${this.stack}, then rerun the same command to finish.`,
      );
    }
    throw new UserError(
      `This run lost its lock on ${this.stack} to ${holder ? `${holder.user}@${holder.host} (pid ${holder.pid}, ${holder.operation} since ${holder.startedAt})` : "another run"} while it was stopped or stalled; nothing more was sent. Check the pair with npm run status -- --stack ${this.stack}.`,
    );
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.stopWatchingExit();
    // A lock taken over by another run is that run's now: leave it alone.
    if (!this.isMine()) return;
    // The directory goes first: a lock left without its note (the process
    // killed in between) is one nobody could tell is stale, while a note left
    // without its lock is replaced by the next holder.
    await this.releaseLock().catch(() => undefined);
    removeNoteIfStill(this.holderFile, (note) => note.runId === this.runId);
  }
}

/**
 * A short lock (the phase file's read-modify-write takes milliseconds) is
 * stale after this long, so one left by a killed run holds nobody up.
 */
const SHORT_STALE_MS = 5000;

/** Holders of file locks in this process, queued per file. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` holding a short lock on `file` (say the phase file, which every
 * pair's run rewrites). Runs in this process queue for it in turn; other
 * processes are kept out by a lock file, waited for up to about 5 minutes.
 */
export function withFileLock<T>(
  file: string,
  fn: () => T | Promise<T>,
  staleMs = SHORT_STALE_MS,
  takeOver?: TakeOver,
): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => holdingLockFile(file, fn, staleMs, takeOver));
  queues.set(file, mine);
  void mine
    .finally(() => {
      if (queues.get(file) === mine) queues.delete(file);
    })
    .catch(() => undefined);
  return mine;
}

/**
 * For a lock whose holder may be slow to refresh it (a synth blocks for
 * seconds): a note beside it names the holder, so a lock left by a process
 * that has died on this machine is taken over at once, not after `staleMs`.
 */
interface TakeOver {
  readonly note: string;
  readonly said?: (message: string) => void;
}

async function holdingLockFile<T>(
  file: string,
  fn: () => T | Promise<T>,
  staleMs: number,
  takeOver?: TakeOver,
): Promise<T> {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // The lock is a directory beside the file: fail now, not after minutes of retries.
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
  } catch (err) {
    throw new UserError(
      `Cannot write in ${path.dirname(file)} (${(err as NodeJS.ErrnoException).code}); make it writable (or free disk space), then rerun.`,
    );
  }
  if (takeOver && fs.existsSync(`${file}.lock`)) takeOverFromTheDead(file, takeOver);
  // As for a pair lock: a claim naming this process until its note is
  // written, so a directory left by a process killed in between is known to
  // be a dead process's.
  const claim = takeOver ? claimFile(file, process.pid) : undefined;
  if (claim) writeNote(claim);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      stale: staleMs,
      retries: { retries: 600, minTimeout: 50, maxTimeout: 500, factor: 1.5 },
      onCompromised: () => undefined,
    });
  } catch (err) {
    if (claim) fs.rmSync(claim, { force: true });
    throw err;
  }
  const notePid = process.pid;
  const stopWatchingExit = takeOver
    ? releaseAtExit(takeOver.note, `${file}.lock`, () => readHolder(takeOver.note)?.pid === notePid)
    : () => undefined;
  try {
    if (takeOver) writeNote(takeOver.note);
    if (claim) {
      fs.rmSync(claim, { force: true });
      for (const dead of claimsLeftByTheDead(file)) fs.rmSync(dead, { force: true });
    }
    return await fn();
  } finally {
    stopWatchingExit();
    // The directory first, then the note: a lock left without its note by a
    // process killed in between is one nobody could tell is stale.
    await release().catch(() => undefined);
    if (takeOver) removeNoteIfStill(takeOver.note, (note) => note.pid === notePid);
  }
}

/**
 * Removes the lock on `file` when its holder died on this machine without
 * releasing it: its note names a process that is gone, or there is no note
 * and only dead processes claimed the lock (killed between making the
 * directory and writing the note).
 */
function takeOverFromTheDead(file: string, takeOver: TakeOver): void {
  const holder = readHolder(takeOver.note);
  const deadHolder = holder && holder.host === os.hostname() && !processAlive(holder.pid) ? holder : undefined;
  const deadClaims = holder ? [] : claimsLeftByTheDead(file);
  if (!deadHolder && deadClaims.length === 0) return;
  fs.rmSync(`${file}.lock`, { recursive: true, force: true });
  if (deadHolder) fs.rmSync(takeOver.note, { force: true });
  for (const dead of deadClaims) fs.rmSync(dead, { force: true });
  const pids = deadHolder ? [deadHolder.pid] : deadClaims.map((c) => Number(/\.taking\.(\d+)\.json$/.exec(c)?.[1]));
  takeOver.said?.(`took over ${path.basename(file)}'s lock from pid ${pids.join(", ")}, which is no longer running`);
}

/**
 * Runs `fn` (a synth) while no other run on this machine synthesizes: every
 * synth rewrites the whole of cdktf.out.
 */
export function withSynthLock<T>(
  projectDir: string,
  fn: () => T | Promise<T>,
  said?: (message: string) => void,
): Promise<T> {
  // A synth blocks its holder (no refresh) for seconds: the long staleness,
  // so a dead holder is recognised by its note instead.
  const file = path.join(projectDir, WORK_DIR, "locks", "synth");
  return withFileLock(file, fn, STALE_MS, { note: `${file}.holder.json`, said });
}

function writeNote(file: string): void {
  try {
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname() }) + "\n");
  } catch (err) {
    throw new UserError(
      `Cannot write ${file} (${(err as NodeJS.ErrnoException).code}); make it writable (or free disk space), then rerun.`,
    );
  }
}

/** Where a process taking the lock on `target` names itself until its note is written. */
function claimFile(target: string, pid: number): string {
  return `${target}.taking.${pid}.json`;
}

/**
 * The claims of processes that died on this machine while taking the lock
 * on `target`; empty when any claim is a live process's (it may be the one
 * that made the directory, about to write its note) or unreadable.
 */
function claimsLeftByTheDead(target: string): string[] {
  const dir = path.dirname(target);
  const prefix = `${path.basename(target)}.taking.`;
  const claims = fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && name.endsWith(".json"))
    .map((name) => path.join(dir, name));
  for (const file of claims) {
    const claimant = readHolder(file);
    if (!claimant || claimant.host !== os.hostname() || claimant.pid === process.pid || processAlive(claimant.pid))
      return [];
  }
  return claims;
}

/**
 * Removes the holder note once the lock is released, if it still names this
 * run: another run may have taken the lock and written its own in between.
 * The note is moved aside first, so what is checked is what is removed.
 */
function removeNoteIfStill(note: string, isMine: (holder: LockHolder) => boolean): void {
  const aside = `${note}.${process.pid}.released`;
  try {
    fs.renameSync(note, aside);
  } catch {
    return;
  }
  const holder = readHolder(aside);
  if (!holder || !isMine(holder)) {
    try {
      fs.linkSync(aside, note);
    } catch {
      // A newer note is already there: it is the one that counts.
    }
  }
  fs.rmSync(aside, { force: true });
}

function refusal(stack: string, holder: LockHolder | undefined): LockHeldError {
  const who = holder
    ? `${holder.user}@${holder.host} (pid ${holder.pid}) has been running ${holder.operation} since ${holder.startedAt} (run ${holder.runId})`
    : "another run holds it";
  return new LockHeldError(
    `Another DR operation is running on ${stack}: ${who}; wait for it to finish (npm run status -- --stack ${stack} shows the pair). Nothing was sent to Aiven.`,
  );
}

/** The holder's note, allowing a holder that has just taken the lock a moment to write it. */
async function readHolderSoon(file: string): Promise<LockHolder | undefined> {
  for (let i = 0; i < 20; i++) {
    const holder = readHolder(file);
    if (holder) return holder;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
}
