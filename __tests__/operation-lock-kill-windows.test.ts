import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LockHeldError, OperationLock, withSynthLock } from "../lib/operations/operation-lock";
import { waitFor } from "./support/wait-for";

/**
 * A pair lock is a directory and a note naming its holder, made and removed
 * in two steps. A run killed (SIGKILL: an OOM kill, a cancelled CI job)
 * between the two must not leave a lock that refuses every rerun as "another
 * run holds it" until it goes stale a minute later. Each case stops a real
 * process at the exact step, by making the file call of that step kill or
 * stop the process itself.
 */
const COMPILED = path.join(__dirname, "..", "dist", "lib", "operations", "operation-lock.js");
const PAIR = { project: "crdr-lock", primaryService: "pg-primary", stack: "pg-pair" };
const HOLDER = { operation: "failover", runId: "run-test" };

let dir: string;
const children: number[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-lock-windows-"));
});
afterEach(() => {
  for (const pid of children.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts a process that takes the pair's lock and, if `release`, releases it;
 * the first time it calls `fs[call]` on a path ending in `suffix`, it sends
 * itself `signal` instead. Resolves once it has died or stopped there.
 */
function stopAt(
  call: "writeFileSync" | "renameSync" | "rmdir",
  suffix: string,
  signal: "SIGKILL" | "SIGSTOP",
  release: boolean,
  lock: "pair" | "synth" = "pair",
): Promise<number> {
  const script = `
    const fs = require("fs");
    const original = fs[${JSON.stringify(call)}];
    fs[${JSON.stringify(call)}] = function (file, ...rest) {
      if (String(file).endsWith(${JSON.stringify(suffix)})) {
        fs.writeFileSync(${JSON.stringify(path.join(dir, "stopped"))}, "");
        process.kill(process.pid, ${JSON.stringify(signal)});
      }
      return original.call(this, file, ...rest);
    };
    const { OperationLock, withSynthLock } = require(${JSON.stringify(COMPILED)});
    if (${JSON.stringify(lock)} === "synth") {
      // The synth lock is held for the duration of its function: released at once, or never.
      withSynthLock(${JSON.stringify(dir)}, () => (${release} ? undefined : new Promise(() => {})));
    } else {
      OperationLock.acquire(${JSON.stringify(dir)}, ${JSON.stringify(PAIR)}, ${JSON.stringify(HOLDER)})
        .then((lock) => (${release} ? lock.release() : new Promise(() => {})));
    }
  `;
  const child = spawn(process.execPath, ["-e", script], { stdio: "inherit" });
  children.push(child.pid!);
  return new Promise((resolve, reject) => {
    child.on("exit", (code, sig) =>
      sig === signal ? resolve(child.pid!) : reject(new Error(`exited ${code ?? sig}`)),
    );
    if (signal === "SIGSTOP") {
      const poll = setInterval(() => {
        if (fs.existsSync(path.join(dir, "stopped"))) {
          clearInterval(poll);
          // The signal reaches it right after the marker is written.
          setTimeout(() => resolve(child.pid!), 200);
        }
      }, 20);
      child.on("exit", () => clearInterval(poll));
    }
  });
}

const take = () => OperationLock.acquire(dir, PAIR, { operation: "failover", runId: "run-rerun" });
const lockDirs = () => fs.readdirSync(dir).filter((name) => name.endsWith(".lock"));
const holderNote = () =>
  JSON.parse(fs.readFileSync(path.join(dir, "crdr-lock.pg-primary.holder.json"), "utf8")) as { runId: string };

describe("a pair lock left by a process killed mid-step", () => {
  it("killed after making the lock directory, before writing its note: a rerun takes the lock at once", async () => {
    await stopAt("writeFileSync", ".holder.json", "SIGKILL", false);
    expect(lockDirs()).toEqual(["crdr-lock.pg-primary.lock"]);
    expect(fs.existsSync(path.join(dir, "crdr-lock.pg-primary.holder.json"))).toBe(false);

    const lock = await take();
    expect(holderNote().runId).toBe("run-rerun");
    lock.assertHeld();
    await lock.release();
    expect(fs.readdirSync(dir).filter((name) => name !== "stopped")).toEqual([]);
  });

  it("killed while releasing, after the directory and before the note: a rerun takes the lock at once", async () => {
    await stopAt("renameSync", ".holder.json", "SIGKILL", true);
    expect(lockDirs()).toEqual([]);

    const lock = await take();
    expect(holderNote().runId).toBe("run-rerun");
    await lock.release();
    expect(fs.existsSync(path.join(dir, "crdr-lock.pg-primary.holder.json"))).toBe(false);
  });

  it("killed while releasing, before the directory went: a rerun takes the lock at once", async () => {
    await stopAt("rmdir", ".lock", "SIGKILL", true);
    expect(lockDirs()).toEqual(["crdr-lock.pg-primary.lock"]);

    const lock = await take();
    expect(holderNote().runId).toBe("run-rerun");
    await lock.release();
  });

  it("a live process stopped between making the directory and writing its note still holds the lock", async () => {
    const pid = await stopAt("writeFileSync", ".holder.json", "SIGSTOP", false);
    expect(lockDirs()).toEqual(["crdr-lock.pg-primary.lock"]);

    await expect(take()).rejects.toThrow(LockHeldError);
    await expect(take()).rejects.toThrow(/Another DR operation is running on pg-pair: another run holds it/);
    expect(lockDirs()).toEqual(["crdr-lock.pg-primary.lock"]);
    expect(fs.readdirSync(dir)).toContain(`crdr-lock.pg-primary.taking.${pid}.json`);
  });

  it("a live holder with its note refuses a rerun, naming it", async () => {
    const lock = await OperationLock.acquire(dir, PAIR, HOLDER);
    try {
      await expect(take()).rejects.toThrow(new RegExp(`\\(pid ${process.pid}\\) has been running failover`));
    } finally {
      await lock.release();
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe("the synth lock left by a process killed mid-step", () => {
  const locks = () => path.join(dir, ".crdr", "locks");
  /** Synthesizes under the lock as a rerun does: what it said, and that its function ran. */
  async function rerunSynth(): Promise<{ said: string[]; ran: boolean }> {
    const said: string[] = [];
    let ran = false;
    await withSynthLock(
      dir,
      () => (ran = true),
      (message) => said.push(message),
    );
    return { said, ran };
  }

  it("killed after making the lock directory, before writing its note: a rerun takes it over from that process", async () => {
    const pid = await stopAt("writeFileSync", "synth.holder.json", "SIGKILL", false, "synth");
    expect(fs.readdirSync(locks()).sort()).toEqual(["synth.lock", `synth.taking.${pid}.json`]);

    expect(await rerunSynth()).toEqual({
      said: [`took over synth's lock from pid ${pid}, which is no longer running`],
      ran: true,
    });
    expect(fs.readdirSync(locks())).toEqual([]);
  });

  it("killed while releasing, before the directory went: its note names it, and a rerun takes the lock over", async () => {
    const pid = await stopAt("rmdir", "synth.lock", "SIGKILL", true, "synth");
    expect(fs.readdirSync(locks()).sort()).toEqual(["synth.holder.json", "synth.lock"]);

    expect(await rerunSynth()).toEqual({
      said: [`took over synth's lock from pid ${pid}, which is no longer running`],
      ran: true,
    });
    expect(fs.readdirSync(locks())).toEqual([]);
  });

  it("killed while releasing, after the directory went: a rerun finds no lock to take over", async () => {
    await stopAt("renameSync", "synth.holder.json", "SIGKILL", true, "synth");
    expect(fs.readdirSync(locks())).toEqual(["synth.holder.json"]);

    expect(await rerunSynth()).toEqual({ said: [], ran: true });
    expect(fs.readdirSync(locks())).toEqual([]);
  });

  it("a live process stopped between making the directory and writing its note keeps the lock from a rerun", async () => {
    const pid = await stopAt("writeFileSync", "synth.holder.json", "SIGSTOP", false, "synth");
    let ran = false;
    const rerun = withSynthLock(dir, () => (ran = true));
    // The rerun's own claim appears once it has judged the lock and waits for it.
    await waitFor(() => fs.existsSync(path.join(locks(), `synth.taking.${process.pid}.json`)));
    expect(ran).toBe(false);
    expect(fs.readdirSync(locks()).sort()).toEqual(
      ["synth.lock", `synth.taking.${pid}.json`, `synth.taking.${process.pid}.json`].sort(),
    );
    // Once the lock is gone, the waiting rerun takes it, and leaves no claim behind (the dead one's included).
    process.kill(pid, "SIGKILL");
    fs.rmSync(path.join(locks(), "synth.lock"), { recursive: true });
    await rerun;
    expect(ran).toBe(true);
    expect(fs.readdirSync(locks())).toEqual([]);
  });
});
