import { ChildProcess, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { useDrScenario } from "./support/dr-scenario";
import { DR_OPERATIONS, peers, runOperation, SHORT_TRANSITIONS } from "./support/dr-operations";
import { GatingProxy } from "./support/gating-proxy";
import { ProjectFixture, runScript, STACK } from "./support/project-fixture";

/**
 * One DR operation per pair on this machine, whichever checkout it is run
 * from: the lock is keyed by the Aiven project and the primary, in a
 * per-user folder (CRDR_LOCK_DIR here: every test file has its own).
 */
const TOKEN = "tok-machine-lock-6a3f0d98";
const scenario = useDrScenario(TOKEN);
const puts = () => scenario.sim.apiCalls("PUT");

let proxy: GatingProxy | undefined;
let other: ProjectFixture | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
  other?.remove();
  other = undefined;
});

beforeEach(async () => {
  await DR_OPERATIONS[0].arrange(scenario);
  scenario.sim.model.delays = SHORT_TRANSITIONS;
});

/** Holds the answer to the first run's PUT: that run is mid-change, holding its lock, until released. */
async function holdTheRolePut(): Promise<NodeJS.ProcessEnv> {
  proxy = new GatingProxy(scenario.env.AIVEN_WEB_URL!, (method) =>
    method === "PUT" ? { kind: "hold-answer" } : undefined,
  );
  return { AIVEN_WEB_URL: await proxy.start(), CRDR_API_TIMEOUT_MS: "120000" };
}

describe("the pair lock", () => {
  it("refuses a failover from a second checkout of the same pair while the first is mid-change: one role change", async () => {
    const env = await holdTheRolePut();
    other = ProjectFixture.create();
    await other.seedState();
    const first = runOperation(scenario, "failover", [], env);
    await proxy!.answerHeld();
    const lockDir = process.env.CRDR_LOCK_DIR!;
    // Beside the lock, the pair's machine-wide record of role changes (the intent is in it).
    expect(fs.readdirSync(lockDir).sort()).toEqual([
      "crdr-test.pg-primary.holder.json",
      "crdr-test.pg-primary.lock",
      "crdr-test.pg-primary.role-changes.jsonl",
    ]);
    expect(JSON.parse(fs.readFileSync(path.join(lockDir, "crdr-test.pg-primary.holder.json"), "utf8"))).toMatchObject({
      operation: "failover",
      host: os.hostname(),
    });

    const second = await runScript(
      other,
      "failover",
      ["--stack", STACK, "--yes", "--poll-interval", "100ms", "--lost-answer-grace", "2s"],
      { ...scenario.env, ...env },
    );
    expect(second.stderr).toMatch(
      /^✖ Another DR operation is running on pg-primary: \S+@\S+ \(pid \d+\) has been running failover since \S+ \(run [0-9a-f-]+\); wait for it to finish .* Nothing was sent to Aiven\.\n$/,
    );
    expect(second.code).toBe(2);

    proxy!.release();
    const done = await first;
    expect(done.code).toBe(0);
    expect(puts()).toHaveLength(1);
    expect(peers(scenario)).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    // Released: only the pair's record of role changes is left in the lock folder.
    expect(fs.readdirSync(lockDir)).toEqual(["crdr-test.pg-primary.role-changes.jsonl"]);
  });

  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)(
    "is released, its holder note too, when the run is stopped by %s mid-change, and a rerun finishes (found by a red-team run)",
    async (signal, code) => {
      const env = await holdTheRolePut();
      let child: ChildProcess | undefined;
      const first = runOperation(scenario, "failover", [], env, (c) => (child = c));
      await proxy!.answerHeld();
      const lockDir = process.env.CRDR_LOCK_DIR!;
      expect(fs.readdirSync(lockDir)).toContain("crdr-test.pg-primary.holder.json");
      child!.kill(signal);
      const stopped = await first;
      expect(stopped.code).toBe(code);
      expect(stopped.stderr).toMatch(/rerun the same command to resume/);
      expect(fs.readdirSync(lockDir)).toEqual(["crdr-test.pg-primary.role-changes.jsonl"]);

      proxy!.release();
      const rerun = await runOperation(scenario, "failover", [], env);
      expect(rerun.stderr).toBe("");
      expect(rerun.code).toBe(0);
      expect(puts()).toHaveLength(1);
      expect(fs.readdirSync(lockDir)).toEqual(["crdr-test.pg-primary.role-changes.jsonl"]);
    },
  );

  it("is not in .crdr: a .crdr deleted mid-run is not reported as a lost lock, and the run finishes", async () => {
    const env = await holdTheRolePut();
    const running = runOperation(scenario, "failover", [], env);
    await proxy!.answerHeld();
    fs.rmSync(path.join(scenario.project.dir, ".crdr"), { recursive: true });
    proxy!.release();
    const run = await running;
    expect(run.stderr).toBe("");
    expect(run.stdout).not.toMatch(/lost its lock/);
    expect(run.code).toBe(0);
    expect(puts()).toHaveLength(1);
  });
});

describe("the synth lock", () => {
  it("left by a run that died is taken over at once, saying whose it was", async () => {
    const dead = spawnSync("true").pid;
    const locks = path.join(scenario.project.dir, ".crdr", "locks");
    fs.mkdirSync(path.join(locks, "synth.lock"), { recursive: true });
    fs.writeFileSync(path.join(locks, "synth.holder.json"), JSON.stringify({ pid: dead, host: os.hostname() }));
    const run = await runOperation(scenario, "failover");
    expect(run.stdout).toMatch(new RegExp(`took over synth's lock from pid ${dead}, which is no longer running`));
    expect(run.code).toBe(0);
    expect(puts()).toHaveLength(1);
  });
});
