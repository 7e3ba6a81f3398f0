import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { useDrScenario } from "./support/dr-scenario";
import { DR_OPERATIONS, peers, runOperation, SHORT_TRANSITIONS } from "./support/dr-operations";
import { GatingProxy } from "./support/gating-proxy";
import { makeImmutable } from "./support/immutable";
import { STACK } from "./support/project-fixture";
import { StateLockHolder } from "./support/state-lock-holder";

/**
 * Once a role change has reached Aiven, every failure is an unfinished
 * operation (exit 6) whose message leads with the change; and no terraform
 * call can hold a run forever, before or after the change.
 */
const TOKEN = "tok-after-2c7d9e14";
const scenario = useDrScenario(TOKEN);
const puts = () => scenario.sim.apiCalls("PUT");
const journalFile = () => path.join(scenario.project.dir, ".crdr", "journal", `${STACK}.jsonl`);

let proxy: GatingProxy | undefined;
let tempDir: string | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
});

/** A proxy in front of the simulator that holds the answer to the failover's PUT until released. */
async function holdTheRolePut(): Promise<NodeJS.ProcessEnv> {
  proxy = new GatingProxy(scenario.env.AIVEN_WEB_URL!, (method) =>
    method === "PUT" ? { kind: "hold-answer" } : undefined,
  );
  // The client must still be listening when the answer is let go.
  return { AIVEN_WEB_URL: await proxy.start(), CRDR_API_TIMEOUT_MS: "120000" };
}

/** Whether a process is no longer running (gone, or a zombie waiting to be reaped by init). */
function notRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/**
 * A terraform that runs the real one until `gate` exists, then hangs (with a
 * child of its own, as a provider would be), writing both PIDs to `pids`.
 */
function hangingTerraform(): { binary: string; gate: string; pids: string } {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-hanging-tf-"));
  const binary = path.join(tempDir, "terraform");
  const gate = path.join(tempDir, "hang-now");
  const pids = path.join(tempDir, "pids");
  fs.writeFileSync(
    binary,
    `#!/bin/sh\nif [ -e "${gate}" ]; then\n  echo $$ >> "${pids}"\n  sleep 600 &\n  echo $! >> "${pids}"\n  wait\n  exit 1\nfi\nexec terraform "$@"\n`,
    { mode: 0o755 },
  );
  return { binary, gate, pids };
}

function hungPids(pids: string): number[] {
  return fs.readFileSync(pids, "utf8").trim().split("\n").map(Number);
}

describe("failover", () => {
  beforeEach(async () => {
    await DR_OPERATIONS[0].arrange(scenario);
    scenario.sim.model.delays = SHORT_TRANSITIONS;
  });

  it("a journal that cannot be written right after Aiven accepted the change: exit 6 leading with the change, and a rerun finishes without resending", async () => {
    const env = await holdTheRolePut();
    const running = runOperation(scenario, "failover", [], env);
    await proxy!.answerHeld();
    const lock = makeImmutable(journalFile());
    let run;
    try {
      proxy!.release();
      run = await running;
    } finally {
      lock.undo();
    }
    expect(run.stderr).toMatch(
      /^✖ Aiven has already made pg-primary failed \(this run, at \S+\), but the "request" step failed: Cannot write the run journal .*pg-primary\.jsonl \(EPERM\); make \.crdr\/ writable \(or free disk space\)\.\nFix that and rerun `npm run failover -- --stack pg-primary`: it finishes the rest and will not send the role change again\.\n$/,
    );
    expect(run.code).toBe(6);
    expect(puts()).toHaveLength(1);

    const rerun = await runOperation(scenario, "failover", [], env);
    expect(rerun.stderr).toBe("");
    expect(rerun.code).toBe(0);
    expect(puts()).toHaveLength(1);
    expect(peers(scenario)).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("an unexpected error after the change (the phase file cannot be replaced): exit 6 leading with the change, no stack trace, the trace kept in the journal, and a rerun finishes", async () => {
    const env = await holdTheRolePut();
    const running = runOperation(scenario, "failover", [], env);
    await proxy!.answerHeld();
    const lock = makeImmutable(scenario.project.phaseFile());
    let run;
    try {
      proxy!.release();
      run = await running;
    } finally {
      lock.undo();
    }
    expect(run.stderr).toMatch(
      /^✖ Aiven has failed pg-primary over to pg-primary-dr, but the phase file was not updated: EPERM: operation not permitted, rename '[^']*' -> '[^']*pg-primary\.json'\.\nFix that and rerun `npm run failover -- --stack pg-primary`: it finishes the rest and will not send the role change again\.\n {2}\(An unexpected error: its stack trace is in \.crdr\/journal\/pg-primary\.jsonl, event "failure-trace", for a bug report\.\)\n$/,
    );
    expect(run.code).toBe(6);
    const traces = fs
      .readFileSync(journalFile(), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.event === "failure-trace");
    expect(traces).toHaveLength(1);
    expect(traces[0].trace).toMatch(/^Error: EPERM: operation not permitted, rename [^\n]*\n\s+at /);
    expect(fs.readFileSync(journalFile(), "utf8")).not.toContain(TOKEN);

    const rerun = await runOperation(scenario, "failover", [], env);
    expect(rerun.stderr).toBe("");
    expect(rerun.code).toBe(0);
    expect(puts()).toHaveLength(1);
    expect(scenario.project.phases()[STACK]).toMatchObject({ phase: "failed-over" });
  });

  it("a rerun whose preflight fails (the state lock held) after an earlier run changed Aiven: exit 6 leading with the change", async () => {
    scenario.sim.model.delays = { ...SHORT_TRANSITIONS, failoverMs: 600_000 };
    const first = await runOperation(scenario, "failover", ["--timeout", "1s"]);
    expect(first.code).toBe(3);
    expect(puts()).toHaveLength(1);
    const holder = await StateLockHolder.hold(scenario.project.stateFile);
    try {
      const rerun = await runOperation(scenario, "failover");
      expect(rerun.stderr).toMatch(
        /^✖ Aiven has already made pg-primary failed \(an earlier run, at \S+\), but this run's checks before going on failed: The Terraform state of pg-primary is locked, /,
      );
      expect(rerun.stderr).toMatch(
        /Fix that and rerun `npm run failover -- --stack pg-primary`: it finishes the rest and will not send the role change again\.\n$/,
      );
      expect(rerun.code).toBe(6);
    } finally {
      holder.release();
    }
    expect(puts()).toHaveLength(1);
  });

  it("a rerun that finds the state is not the pair's after an earlier run changed Aiven: exit 6 leading with the change, naming the backend", async () => {
    scenario.sim.model.delays = { ...SHORT_TRANSITIONS, failoverMs: 600_000 };
    expect((await runOperation(scenario, "failover", ["--timeout", "1s"])).code).toBe(3);
    fs.rmSync(scenario.project.stateFile);
    const rerun = await runOperation(scenario, "failover");
    expect(rerun.stderr).toMatch(
      /^✖ Aiven has already made pg-primary failed \(an earlier run, at \S+\), but this run's checks before going on failed: The Terraform state read from the local state file .*terraform\.pg-primary\.tfstate is not pg-primary's: no state exists there\. Check CRDR_BACKEND and the backend settings \(the state must hold the pair as applied\)\.\nFix that and rerun/,
    );
    expect(rerun.stderr).not.toMatch(/Nothing was sent/);
    expect(rerun.code).toBe(6);
    expect(puts()).toHaveLength(1);
  });

  it("a terraform call that hangs before the change is stopped at its deadline, killed with its children, and nothing is sent (exit 2)", async () => {
    const tf = hangingTerraform();
    fs.writeFileSync(tf.gate, "");
    const run = await runOperation(scenario, "failover", [], {
      TERRAFORM_BINARY_NAME: tf.binary,
      CRDR_TERRAFORM_TIMEOUT_MS: "1000",
    });
    expect(run.stderr).toMatch(
      new RegExp(
        `^✖ "${tf.binary.replace(/[.]/g, "\\.")} version -json" did not finish within 1s \\(CRDR_TERRAFORM_TIMEOUT_MS, plus any -lock-timeout\\), so it was stopped; check what it waits for`,
      ),
    );
    expect(run.code).toBe(2);
    expect(puts()).toEqual([]);
    // The version check and the state read run side by side: both hang (a shell and its sleep each), and both are stopped.
    const pids = hungPids(tf.pids);
    expect(pids).toHaveLength(4);
    for (const pid of pids) expect(notRunning(pid)).toBe(true);
  });

  it("a terraform call that hangs after the change is stopped at its deadline: exit 6 leading with the change, and a rerun finishes", async () => {
    const tf = hangingTerraform();
    const env = { ...(await holdTheRolePut()), TERRAFORM_BINARY_NAME: tf.binary, CRDR_TERRAFORM_TIMEOUT_MS: "8000" };
    const running = runOperation(scenario, "failover", [], env);
    await proxy!.answerHeld();
    fs.writeFileSync(tf.gate, "");
    proxy!.release();
    const run = await running;
    expect(run.stderr).toMatch(
      /^✖ Aiven has failed pg-primary over to pg-primary-dr, but Terraform state was not updated: ".*terraform state .*" did not finish within 8s \(CRDR_TERRAFORM_TIMEOUT_MS, plus any -lock-timeout\), so it was stopped/,
    );
    expect(run.code).toBe(6);
    for (const pid of hungPids(tf.pids)) expect(notRunning(pid)).toBe(true);

    fs.rmSync(tf.gate);
    const rerun = await runOperation(scenario, "failover", [], env);
    expect(rerun.stderr).toBe("");
    expect(rerun.code).toBe(0);
    expect(puts()).toHaveLength(1);
    expect(await scenario.project.stateAddresses()).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
  });
});
