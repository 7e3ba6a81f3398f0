import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Readable, Writable } from "stream";
import { readCdktfConfig } from "../settings/cdktf-config";
import { AT_GATE, GO, SYNTH_GATE_FD, SYNTH_GATE_OUTDIR } from "./synth-gate";
import { WORK_DIR } from "../work-dir";
import { synthEnvironment, synthesize, synthFailed, SynthResult } from "./synthesize";

/** The descriptor the gate's channel has in the app's process (after stdin, stdout and stderr). */
const CHANNEL_FD = 3;
/** The app's niceness (0 is normal, 19 the lowest priority). */
const EARLY_NICENESS = 10;

/**
 * A synth of cdktf.json's app started ahead of time: an operation starts it
 * as it begins, so the app's node start-up and module loading (most of a
 * synth's time) happen while the operation waits on Aiven and Terraform.
 * The app stops at its gate (`passSynthGate`, in `runSynthApp` and
 * `declarePairs`) before it reads any phase, and synthesizes only once
 * `synthesize` is called: after the new phase is recorded, under the synth
 * lock. Every other way the operation ends, `dispose` (or the process's
 * exit) kills it, and it has written nothing.
 *
 * Until its gate the app's output folder is a private one nothing reads
 * (`.crdr/synth-ahead/<pid>`), and cdktf.out only once past it: an app that
 * does not stop at the gate (not built on this library's `runSynthApp` or
 * `declarePairs`), or that made its cdktf App before it, writes there, never
 * into cdktf.out outside the synth lock or with the old phase. What it wrote
 * is removed, and the app is run again, as `synthesize` runs it.
 */
export class GatedSynth {
  /** The one `startAhead` started, until a run of the same project and environment takes it. */
  private static ahead?: { projectDir: string; env: NodeJS.ProcessEnv; synth?: GatedSynth };

  /**
   * Starts the app before the operation is known for sure (see
   * `startSynthAhead`): the operation's `start` takes it. Unused, it is
   * killed when this process exits.
   */
  static startAhead(projectDir: string, env: NodeJS.ProcessEnv): void {
    GatedSynth.ahead = { projectDir, env, synth: GatedSynth.launch(projectDir, env) };
  }

  /** Whether an app started ahead waits to be taken (the tests ask). */
  static startedAhead(): boolean {
    return GatedSynth.ahead?.synth !== undefined;
  }

  /**
   * The app started ahead for this project and environment, or else a new
   * start; undefined when cdktf.json cannot be read (the synth later says why).
   */
  static start(projectDir: string, env: NodeJS.ProcessEnv): GatedSynth | undefined {
    const ahead = GatedSynth.ahead;
    if (ahead && ahead.projectDir === projectDir && ahead.env === env) {
      GatedSynth.ahead = undefined;
      return ahead.synth;
    }
    return GatedSynth.launch(projectDir, env);
  }

  private static launch(projectDir: string, env: NodeJS.ProcessEnv): GatedSynth | undefined {
    let config;
    try {
      config = readCdktfConfig(projectDir);
    } catch {
      return undefined;
    }
    // As `shell: true` runs it (`/bin/sh -c`), under `nice`: its start-up
    // takes only the CPU the operation leaves, so the reads and the Terraform
    // checks before the role change come first. Without `nice`, the spawn
    // fails and the app is run as `synthesize` runs it, after the record.
    const unread = path.join(projectDir, WORK_DIR, "synth-ahead", String(process.pid));
    fs.rmSync(unread, { recursive: true, force: true });
    const child = spawn("nice", ["-n", String(EARLY_NICENESS), "/bin/sh", "-c", config.app], {
      cwd: projectDir,
      env: {
        ...synthEnvironment(config, env),
        CDKTF_OUTDIR: unread,
        [SYNTH_GATE_OUTDIR]: config.outdir,
        [SYNTH_GATE_FD]: String(CHANNEL_FD),
      },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      // Its own process group: the shell's children go with it when it is killed.
      detached: true,
    });
    return new GatedSynth(projectDir, env, config.outdir, unread, child);
  }

  private readonly exited: Promise<number | null>;
  /** True once the app waits at its gate; false if it exited without reaching it. */
  private readonly waiting: Promise<boolean>;
  private atGate = false;
  private stdout = "";
  private stderr = "";
  private used = false;
  private readonly killAtExit = () => this.kill();

  private constructor(
    private readonly projectDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly outdir: string,
    private readonly unread: string,
    private readonly child: ChildProcess,
  ) {
    let said = "";
    let reached: (atGate: boolean) => void = () => undefined;
    this.waiting = new Promise((resolve) => (reached = resolve));
    this.channel.on("data", (d: Buffer) => {
      said += d.toString();
      if (said.includes(AT_GATE)) reached((this.atGate = true));
    });
    this.channel.on("error", () => undefined);
    child.stdout!.on("data", (d: Buffer) => (this.stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => {
      child.on("error", () => resolve(null));
      child.on("close", (code) => resolve(code));
    });
    void this.exited.then(() => reached(this.atGate));
    // Waiting at its gate, it must not keep this process alive; `synthesize` holds on to it.
    this.hold(false);
    process.on("exit", this.killAtExit);
  }

  /**
   * Lets the app synthesize (the new phase is recorded, and the caller holds
   * the synth lock) and waits for it, failing as `synthesize` fails. An app
   * that did not stop at the gate is run again.
   */
  async synthesize(): Promise<SynthResult> {
    this.used = true;
    const started = Date.now();
    this.hold(true);
    try {
      // Gone before the go (killed by someone, or it never waited): what it did is not this synth.
      const goneBefore = this.child.exitCode !== null || this.child.signalCode !== null;
      this.channel.end(GO);
      const code = await this.exited;
      // Written to the unread folder: made before the gate, so not this synth's output.
      const wroteUnread = this.removeUnread();
      if (goneBefore || !this.atGate || wroteUnread) return synthesize(this.projectDir, this.env);
      if (code !== 0) throw synthFailed(code, this.stderr, this.stdout);
      return { outdir: this.outdir, durationMs: Date.now() - started };
    } finally {
      this.hold(false);
      process.off("exit", this.killAtExit);
    }
  }

  /** Removes what the app wrote to its unread output folder; whether it wrote anything there. */
  private removeUnread(): boolean {
    const wrote = fs.existsSync(this.unread);
    fs.rmSync(this.unread, { recursive: true, force: true });
    return wrote;
  }

  /** Whether the app waits at its gate: true once it does, false once it exited without (the tests wait on it). */
  whenWaiting(): Promise<boolean> {
    return this.waiting;
  }

  /** Ends the app unless it was used (the operation ended before its phase was recorded), and waits until it is gone. */
  async dispose(): Promise<void> {
    if (this.used) return;
    this.used = true;
    this.kill();
    this.hold(true);
    try {
      await this.exited;
      this.removeUnread();
    } finally {
      this.hold(false);
      process.off("exit", this.killAtExit);
    }
  }

  private get channel(): Readable & Writable {
    return this.child.stdio[CHANNEL_FD] as Readable & Writable;
  }

  private kill(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }

  private hold(held: boolean): void {
    for (const handle of [this.child, this.channel, this.child.stdout, this.child.stderr] as Array<{
      ref(): void;
      unref(): void;
    }>)
      if (held) handle.ref();
      else handle.unref();
  }
}
