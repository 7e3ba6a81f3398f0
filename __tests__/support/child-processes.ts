import { ChildProcess, spawn, SpawnOptions } from "child_process";
import * as fs from "fs";

/**
 * The one way a test starts a process that outlives a synchronous call.
 *
 * A test that fails between stopping (SIGSTOP), holding or backgrounding a
 * child and cleaning it up must not leave it behind: a stopped child keeps
 * jest waiting forever and CI then loses the whole run. Every child started
 * here is tracked; the hooks in setup.ts resume and kill what is still alive
 * (with everything it started) after each test, and after each file for the
 * children a `beforeAll` started. The global teardown then fails the run,
 * naming the command, for anything marked as a test child that is still
 * alive (see test-children-alive.js).
 */

/** Marks a process (and, by inheritance, what it starts) as the test run's. */
export const TEST_RUN_MARK = "CRDR_TEST_RUN";
/** Which test started it, for the teardown's and CI's messages. */
export const TEST_NAME_MARK = "CRDR_TEST_NAME";

interface Tracked {
  readonly child: ChildProcess;
  /** "test": started inside a test or its beforeEach; "file": in a beforeAll. */
  readonly scope: "test" | "file";
}

const tracked = new Set<Tracked>();
let inTest = false;

/** The environment a test child gets: the given one, marked. */
export function markedEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const testName = expect.getState().currentTestName ?? expect.getState().testPath ?? "a beforeAll";
  return { ...env, [TEST_RUN_MARK]: process.env.CRDR_TEST_TMPDIR ?? "", [TEST_NAME_MARK]: testName };
}

/** `spawn`, tracked and marked: the child is killed and reaped whatever the test's outcome. */
export function startChild(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  // A process group of its own: what it starts is killed with it even once
  // it has exited and they were handed to init.
  const child = spawn(command, args, { ...options, detached: true, env: markedEnv(options.env) });
  tracked.add({ child, scope: inTest ? "test" : "file" });
  return child;
}

/** Called by setup.ts before each test. */
export function enterTest(): void {
  inTest = true;
}

/**
 * Resumes and kills every tracked child of the scope, with every process it
 * started, and waits until each is reaped. Returns the commands that were
 * still running, for the caller to report if it wants.
 */
export async function reapChildren(scope: "test" | "file"): Promise<string[]> {
  if (scope === "test") inTest = false;
  const due = [...tracked].filter((t) => scope === "file" || t.scope === "test");
  const stillRunning: string[] = [];
  await Promise.all(
    due.map(async ({ child }) => {
      const alive = child.exitCode === null && child.signalCode === null;
      if (alive) stillRunning.push(child.spawnargs.join(" "));
      const exited = alive ? new Promise<void>((resolve) => child.once("exit", () => resolve())) : Promise.resolve();
      if (child.pid !== undefined) {
        killTree(child.pid);
        killGroup(child.pid);
      }
      await exited;
    }),
  );
  for (const t of due) tracked.delete(t);
  return stillRunning;
}

/**
 * Stops the process and its descendants first (so none forks or escapes
 * while the tree is collected), then resumes and kills them all: a stopped
 * process only acts on SIGKILL once it is continued or reaped, and SIGCONT
 * first makes the order plain.
 */
export function killTree(pid: number): void {
  const tree = [pid, ...descendantsOf(pid)];
  for (const p of tree) signal(p, "SIGSTOP");
  const all = [...new Set([...tree, ...descendantsOf(pid)])];
  for (const p of all) signal(p, "SIGCONT");
  for (const p of all) signal(p, "SIGKILL");
}

function killGroup(pgid: number): void {
  signal(-pgid, "SIGCONT");
  signal(-pgid, "SIGKILL");
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Every process below pid, from /proc (Linux, where the suite runs). */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  for (const entry of entries) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const visit = (p: number) => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      visit(c);
    }
  };
  visit(pid);
  return found;
}
