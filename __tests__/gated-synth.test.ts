import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GatedSynth } from "../lib/synth/gated-synth";
import { UserError } from "../lib/user-error";
import { FailedOverPhase } from "../lib/phase/phase-record";
import { startChild } from "./support/child-processes";
import { ProjectFixture, REPO, STACK } from "./support/project-fixture";
import { waitFor } from "./support/wait-for";

/** Whether a process (or a zombie not reaped yet) still runs. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
}

describe("a synth started ahead of the phase record", () => {
  let project: ProjectFixture;
  let synth: GatedSynth | undefined;
  beforeEach(() => {
    project = ProjectFixture.create();
    synth = undefined;
  });
  afterEach(async () => {
    await synth?.dispose();
    project.remove();
  });

  it("waits at its gate, writing nothing, and synthesizes the phase recorded after it started", async () => {
    synth = GatedSynth.start(project.dir, process.env)!;
    await expect(synth.whenWaiting()).resolves.toBe(true);
    expect(fs.existsSync(project.outdir)).toBe(false);

    // Recorded while the app waits, its modules loaded: the synth must see it.
    const record: FailedOverPhase = {
      phase: "failed-over",
      primary: "forgotten",
      since: "2026-01-01T00:00:00.000Z",
      operation: "failover",
      runId: "run-1",
    };
    project.writePhases({ [STACK]: record });
    const result = await synth.synthesize();

    expect(result.outdir).toBe(project.outdir);
    const stack = project.stack();
    expect(stack.pair.phase).toMatchObject({ phase: "failed-over", primary: "forgotten" });
    expect(stack.resource("aiven_service_integration.disaster_recovery")).toBeUndefined();
    expect(stack.resource("aiven_pg.primary")).toBeUndefined();
    stack.verifyAgainst(record);
  });

  it("takes a go sent before the app reached its gate: the app synthesizes once, when it gets there", async () => {
    const fleet = ProjectFixture.create("bench/fleet-app.js");
    const release = path.join(fleet.dir, "release");
    const synthLog = path.join(fleet.dir, "synths.log");
    try {
      // The app is held before it loads anything until the test releases it, so the go comes first.
      const held = `node -e 'const fs = require("fs"); while (!fs.existsSync(${JSON.stringify(release)})) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); require(${JSON.stringify(path.join(REPO, "dist", "bench", "fleet-app.js"))})'`;
      fs.writeFileSync(path.join(fleet.dir, "cdktf.json"), JSON.stringify({ app: held, context: {} }));
      synth = GatedSynth.start(fleet.dir, { ...process.env, CRDR_BENCH_SYNTH_LOG: synthLog })!;
      fleet.writePhases({ "bench-pg-0": { phase: "failed-over", primary: "forgotten" } });
      const done = synth.synthesize();
      fs.writeFileSync(release, "");
      await done;

      expect(fleet.stack("bench-pg-0").pair.phase).toMatchObject({ phase: "failed-over", primary: "forgotten" });
      expect(fs.readFileSync(synthLog, "utf8").trim().split("\n")).toHaveLength(1);
      await expect(synth.whenWaiting()).resolves.toBe(true);
    } finally {
      fleet.remove();
    }
  });

  it("reports a failure of the app after the gate as synthesize does, with the app's own words and exit code", async () => {
    // The fleet app breaks on demand, as a bad edit to main.ts would.
    const fleet = ProjectFixture.create("bench/fleet-app.js");
    const breakFile = path.join(fleet.dir, "break-main");
    try {
      synth = GatedSynth.start(fleet.dir, { ...process.env, CRDR_BENCH_BREAK_FILE: breakFile })!;
      await expect(synth.whenWaiting()).resolves.toBe(true);
      // Broken only once the app waits at its gate: what it reads after the go is read then.
      fs.writeFileSync(breakFile, "");
      const failure = await synth.synthesize().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(UserError);
      expect((failure as UserError).message).toBe(
        "Synth failed (exit 2):\nmain.ts is broken (the fleet tests' stand-in for a bad edit)",
      );
      expect((failure as UserError).exitCode).toBe(2);
    } finally {
      fleet.remove();
    }
  });

  it("is killed with everything it started when the run ends without recording, and has written nothing", async () => {
    synth = GatedSynth.start(project.dir, process.env)!;
    await expect(synth.whenWaiting()).resolves.toBe(true);
    const pid = (synth as unknown as { child: { pid: number } }).child.pid;
    expect(alive(pid)).toBe(true);

    await synth.dispose();

    expect(alive(pid)).toBe(false);
    expect(fs.existsSync(project.outdir)).toBe(false);
  });

  it("ends at its gate, writing nothing, when the operation that started it is killed", async () => {
    // An operation's process reduced to the start: busy elsewhere (the interval), it says the app's pid once the app waits.
    const script = `const { GatedSynth } = require(${JSON.stringify(path.join(REPO, "dist", "lib", "synth", "gated-synth.js"))});
setInterval(() => {}, 1000);
const synth = GatedSynth.start(${JSON.stringify(project.dir)}, process.env);
synth.whenWaiting().then(() => process.stdout.write(String(synth.child.pid) + "\\n"));`;
    const operation = startChild(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let said = "";
    operation.stdout!.on("data", (d: Buffer) => (said += d.toString()));
    await waitFor(() => said.endsWith("\n"), 90_000);
    const app = Number(said.trim());
    expect(alive(app)).toBe(true);

    operation.kill("SIGKILL");

    await waitFor(() => !alive(app), 90_000);
    expect(fs.existsSync(project.outdir)).toBe(false);
  });

  it("runs the app again when the one waiting at its gate was killed before the go", async () => {
    synth = GatedSynth.start(project.dir, process.env)!;
    await expect(synth.whenWaiting()).resolves.toBe(true);
    const child = (synth as unknown as { child: ChildProcess }).child;
    process.kill(-child.pid!, "SIGKILL");
    await waitFor(() => child.signalCode !== null, 90_000);

    project.writePhases({ [STACK]: { phase: "failed-over", primary: "frozen" } });
    await synth.synthesize();

    expect(project.stack().pair.phase).toMatchObject({ phase: "failed-over", primary: "frozen" });
  });

  it("runs an app that does not wait at the gate again once the phase is recorded, so its output is never the early one", async () => {
    const runs = path.join(project.dir, "runs.log");
    // An app of its own making: it synthesizes nothing, only says how it was run.
    const app = `node -e 'require("fs").appendFileSync(${JSON.stringify(runs)}, (process.env.CRDR_SYNTH_GATE_FD ? "early" : "plain") + "\\n")'`;
    fs.writeFileSync(path.join(project.dir, "cdktf.json"), JSON.stringify({ app, context: {} }));
    synth = GatedSynth.start(project.dir, process.env)!;
    await expect(synth.whenWaiting()).resolves.toBe(false);

    await synth.synthesize();

    expect(fs.readFileSync(runs, "utf8")).toBe("early\nplain\n");
  });

  describe("never writes into cdktf.out before its gate, whatever the app", () => {
    const GATE = path.join(REPO, "dist", "lib", "synth", "synth-gate.js");
    const unread = () => path.join(project.dir, ".crdr", "synth-ahead", String(process.pid));
    /**
     * An app of the test's own making: it takes its output folder when it
     * starts (as a cdktf App made before the gate does), passes the gate if
     * `gated`, and writes `<outdir>/stacks/pg-primary/cdk.tf.json` saying how
     * it was run.
     */
    function appThatWrites(gated: boolean): string {
      const code = `const fs = require("fs"), path = require("path"); const out = process.env.CDKTF_OUTDIR; const how = process.env.CRDR_SYNTH_GATE_FD ? "early" : "plain"; ${gated ? `require(${JSON.stringify(GATE)}).passSynthGate();` : ""} fs.mkdirSync(path.join(out, "stacks", "pg-primary"), { recursive: true }); fs.writeFileSync(path.join(out, "stacks", "pg-primary", "cdk.tf.json"), how); fs.appendFileSync("runs.log", how + "\\n");`;
      return `node -e '${code}'`;
    }
    const written = () => fs.readFileSync(path.join(project.outdir, "stacks", "pg-primary", "cdk.tf.json"), "utf8");

    it("an app that synthesizes at once writes to a folder nothing reads, and is run again after the record", async () => {
      fs.writeFileSync(
        path.join(project.dir, "cdktf.json"),
        JSON.stringify({ app: appThatWrites(false), context: {} }),
      );
      synth = GatedSynth.start(project.dir, process.env)!;
      await expect(synth.whenWaiting()).resolves.toBe(false);
      expect(fs.existsSync(project.outdir)).toBe(false);
      expect(fs.existsSync(unread())).toBe(true);

      await synth.synthesize();

      expect(written()).toBe("plain");
      expect(fs.readFileSync(path.join(project.dir, "runs.log"), "utf8")).toBe("early\nplain\n");
      expect(fs.existsSync(unread())).toBe(false);
    });

    it("an app that took its output folder before the gate writes there after the go, and is run again", async () => {
      fs.writeFileSync(path.join(project.dir, "cdktf.json"), JSON.stringify({ app: appThatWrites(true), context: {} }));
      synth = GatedSynth.start(project.dir, process.env)!;
      await expect(synth.whenWaiting()).resolves.toBe(true);

      await synth.synthesize();

      expect(written()).toBe("plain");
      expect(fs.readFileSync(path.join(project.dir, "runs.log"), "utf8")).toBe("early\nplain\n");
      expect(fs.existsSync(unread())).toBe(false);
    });

    it("what an unused app wrote is removed with it", async () => {
      fs.writeFileSync(
        path.join(project.dir, "cdktf.json"),
        JSON.stringify({ app: appThatWrites(false), context: {} }),
      );
      synth = GatedSynth.start(project.dir, process.env)!;
      await expect(synth.whenWaiting()).resolves.toBe(false);

      await synth.dispose();

      expect(fs.existsSync(unread())).toBe(false);
      expect(fs.existsSync(project.outdir)).toBe(false);
    });
  });

  it("is not started where cdktf.json cannot be read (the synth itself says why later)", () => {
    fs.rmSync(path.join(project.dir, "cdktf.json"));
    expect(GatedSynth.start(project.dir, process.env)).toBeUndefined();
  });
});
