import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { DR_OPERATIONS, PATHS, peers, putsFor, runOperation } from "./support/dr-operations";
import { useHttpDrScenario } from "./support/http-dr-scenario";
import { ChildProcess } from "child_process";
import { ScriptRun, STACK } from "./support/project-fixture";

/**
 * Every DR operation on remote state: Terraform's `http` backend served on
 * 127.0.0.1, with the real terraform binary, and the backend's faults.
 */
const TOKEN = "tok-http-state-51c0e7";
const scenario = useHttpDrScenario(TOKEN);

const FAILOVER = DR_OPERATIONS.find((o) => o.script === "failover")!;
const INTEGRATION = "aiven_service_integration.disaster_recovery";
const sorted = (state: { resources: Array<{ type: string; name: string }> } | undefined) =>
  (state?.resources ?? []).map((r) => `${r.type}.${r.name}`).sort();
const remote = () => scenario.backend.state(STACK);
const backupDir = () => path.join(scenario.project.dir, ".crdr", "backups");
const backups = () => (fs.existsSync(backupDir()) ? fs.readdirSync(backupDir()).sort() : []);
const journal = () =>
  fs
    .readFileSync(path.join(scenario.project.dir, ".crdr", "journal", `${STACK}.jsonl`), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
const rolePuts = () => scenario.sim.apiCalls("PUT");

/** The one backup the run named: on disk, private, the state as it was, as the journal records it. */
function expectBackupOf(before: string, output: string): string {
  const files = backups();
  expect(files).toEqual([expect.stringMatching(/^pg-primary-\d{8}T\d{6}-\d{3}Z\.tfstate$/)]);
  const file = path.join(".crdr", "backups", files[0]);
  expect(output).toContain(`backed up to ${file} (private`);
  const full = path.join(scenario.project.dir, file);
  expect((fs.statSync(full).mode & 0o777).toString(8)).toBe("600");
  const text = fs.readFileSync(full, "utf8");
  expect(JSON.parse(text)).toEqual(JSON.parse(before));
  const recorded = journal().filter((e) => e.event === "state-backed-up");
  expect(recorded).toEqual([
    expect.objectContaining({
      file,
      lineage: JSON.parse(before).lineage,
      serial: JSON.parse(before).serial,
      sha256: createHash("sha256").update(text).digest("hex"),
    }),
  ]);
  // terraform's own state rm backup is no second copy: none in the working directory.
  expect(fs.readdirSync(scenario.project.stack().workingDirectory).filter((f) => /backup/.test(f))).toEqual([]);
  return full;
}

describe("failover on an http backend", () => {
  it("sends one role change, the remote state forgets the integration, and a private backup of the state as it was exists where the output says", async () => {
    const before = scenario.backend.rawState(STACK)!;
    const run = await runOperation(scenario, "failover");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(rolePuts()).toEqual([
      { method: "PUT", path: PATHS.primary, body: { disaster_recovery_role: "failed" }, status: 200 },
    ]);
    expect(sorted(remote())).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    expect(remote()!.lineage).toBe(JSON.parse(before).lineage);
    expect(remote()!.serial).toBe(JSON.parse(before).serial + 1);
    expectBackupOf(before, run.stdout);
    // The write went through the lock terraform took, and the lock is free again.
    const post = scenario.backend.received("POST", STACK).at(-1)!;
    expect(post.lockId).toEqual(expect.any(String));
    expect(scenario.backend.lockOf(STACK)).toBeUndefined();
  });
});

describe("every DR operation on an http backend", () => {
  it("failover --primary-unreachable forgets the primary and the integration in the remote state, after the backup", async () => {
    scenario.sim.faults.add({ kind: "status", status: 503, method: "GET", path: `^${PATHS.primary}$` });
    const before = scenario.backend.rawState(STACK)!;
    const run = await runOperation(scenario, "failover", ["--primary-unreachable"]);
    expect(run.code).toBe(0);
    expect(rolePuts().filter((p) => p.status === 200)).toHaveLength(1);
    expect(sorted(remote())).toEqual(["aiven_pg.recovery"]);
    expectBackupOf(before, run.stdout);
    expect(scenario.project.phases()[STACK]).toMatchObject({ phase: "failed-over", primary: "forgotten" });
  });

  it.each(DR_OPERATIONS.filter((o) => o.script !== "failover"))(
    "$script changes the roles and leaves the remote state as it was (it writes none, so it backs up none)",
    async (operation) => {
      await operation.arrange(scenario);
      const before = scenario.backend.rawState(STACK)!;
      const writesBefore = scenario.backend.received("POST", STACK).length;
      const run = await runOperation(scenario, operation.script);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      for (const put of operation.puts) expect(putsFor(scenario, put).filter((p) => p.status === 200)).toHaveLength(1);
      expect(peers(scenario)).toEqual(operation.end);
      expect(scenario.backend.rawState(STACK)).toBe(before);
      expect(scenario.backend.received("POST", STACK)).toHaveLength(writesBefore);
      expect(backups()).toEqual([]);
      expect(scenario.project.phases()[STACK].phase).toBe(operation.phase);
      if (operation.script === "revert") {
        // The revert imports what Aiven kept instead of re-creating it: recorded for the next apply, read from the remote state.
        expect(scenario.project.phases()[STACK].pendingImports).toEqual([
          { address: INTEGRATION, id: expect.stringMatching(/^crdr-test\//) },
        ]);
      }
    },
  );
});

describe("the http backend's faults", () => {
  it("refuses before any role change when another holder has the lock, naming the holder from the backend's lock info (exit 2)", async () => {
    scenario.backend.holdLock(STACK, {
      ID: "7f3c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
      Operation: "OperationTypeApply",
      Who: "alice@ops-laptop",
      Version: "1.11.4",
      Created: "2026-11-29T21:04:05Z",
      Path: "",
    });
    const run = await runOperation(scenario, "failover");
    expect(run.code).toBe(2);
    expect(rolePuts()).toEqual([]);
    expect(run.stderr).toMatch(
      /^✖ The Terraform state of pg-primary is locked, held by alice@ops-laptop, \(apply\), since 2026-11-29T21:04:05Z for \d+[smh], lock ID 7f3c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6; wait for that run to finish, or if it died, run "terraform force-unlock 7f3c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6"/,
    );
    // terraform's own attempt (its ID, its Who) is not passed off as the holder.
    expect(run.stderr).not.toMatch(/state-rm/);
    expect(sorted(remote())).toEqual(["aiven_pg.primary", "aiven_pg.recovery", INTEGRATION]);
    // The probe that read the holder left the holder's lock as it was.
    expect(scenario.backend.lockOf(STACK)?.ID).toBe("7f3c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6");
    expect(backups()).toEqual([]);
  });

  it("refuses before any role change when the backend is unreachable (exit 2)", async () => {
    await scenario.backend.stop();
    const run = await runOperation(scenario, "failover");
    expect(run.code).toBe(2);
    expect(rolePuts()).toEqual([]);
    expect(run.stderr).toMatch(
      /^✖ Terraform could not read the state of pg-primary in its backend \((?:Failed to load state|Failed to refresh state): .*GET http:\/\/127\.0\.0\.1:\d+\/state\/pg-primary .*connection refused\); make the backend reachable and working \(address, network, credentials\), then rerun\.\n$/,
    );
    expect(scenario.project.phases()).toEqual({});
  });

  it("answering 5xx to the write after the role change: exit 6 leading with what happened, the remote state as it was, the backup kept; a rerun finishes without a second role change", async () => {
    const before = scenario.backend.rawState(STACK)!;
    const writesBefore = scenario.backend.received("POST", STACK).length;
    scenario.backend.faults = { writeStatus: 503 };
    const first = await runOperation(scenario, "failover");
    expect(first.code).toBe(6);
    expect(first.stderr).toMatch(FAILOVER.changed);
    expect(first.stderr).toMatch(
      /but Terraform state was not updated: Terraform could not write the state of pg-primary in its backend \(.*Failed to upload state: POST http:\/\/127\.0\.0\.1:\d+\/state\/pg-primary\?ID=\S+ giving up after 3 attempt\(s\)\); make the backend reachable and working/,
    );
    expect(first.stderr).toMatch(
      /rerun `npm run failover -- --stack pg-primary`: it finishes the rest and will not send the role change again/,
    );
    expect(scenario.backend.rawState(STACK)).toBe(before);
    expect(
      scenario.backend
        .received("POST", STACK)
        .slice(writesBefore)
        .map((r) => r.status),
    ).toEqual([503, 503, 503]);
    expect(scenario.backend.lockOf(STACK)).toBeUndefined();
    const backup = expectBackupOf(before, first.stdout);

    scenario.backend.faults = {};
    const rerun = await runOperation(scenario, "failover");
    expect(rerun.code).toBe(0);
    expect(rolePuts()).toHaveLength(1);
    expect(sorted(remote())).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    // The rerun backed up the state it changed: the same state, so an equal copy.
    expect(backups()).toHaveLength(2);
    for (const file of backups())
      expect(fs.readFileSync(path.join(backupDir(), file), "utf8")).toBe(fs.readFileSync(backup, "utf8"));
  });

  it("a backend that stores the write after the role change and then answers 5xx: the state is read back, the run says what it holds and finishes (exit 0, one role change)", async () => {
    const before = scenario.backend.rawState(STACK)!;
    scenario.backend.faults = { commitThenStatus: 503 };
    const run = await runOperation(scenario, "failover");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /terraform reported the write as failed \(Terraform could not write the state of pg-primary in its backend \(.*Failed to upload state: POST http:\/\/127\.0\.0\.1:\d+\/state\/pg-primary\?ID=\S+ giving up after 3 attempt\(s\)\).*\), but the state read back no longer holds aiven_service_integration\.disaster_recovery: the backend took it, so the run goes on/,
    );
    expect(run.stdout).not.toMatch(/not updated/);
    expect(rolePuts()).toHaveLength(1);
    expect(sorted(remote())).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    expect(scenario.project.phases()[STACK]).toMatchObject({ phase: "failed-over" });
    expectBackupOf(before, run.stdout);
  });

  it("a write that is never answered (the connection dropped) after the role change: exit 6, and a rerun finishes without a second role change", async () => {
    const before = scenario.backend.rawState(STACK)!;
    const writesBefore = scenario.backend.received("POST", STACK).length;
    scenario.backend.faults = { hangWrites: true };
    let child: ChildProcess | undefined;
    let first: ScriptRun;
    try {
      const running = runOperation(scenario, "failover", [], { TF_HTTP_RETRY_MAX: "0" }, (c) => (child = c));
      // The role change has been sent and terraform's write is held open: drop it.
      await scenario.backend.until(() => scenario.backend.received("POST", STACK).length === writesBefore + 1);
      expect(rolePuts()).toHaveLength(1);
      scenario.backend.dropHeldWrites();
      first = await running;
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    expect(first.code).toBe(6);
    expect(first.stderr).toMatch(FAILOVER.changed);
    expect(first.stderr).toMatch(
      /but Terraform state was not updated: Terraform could not write the state of pg-primary in its backend \(.*POST http:\/\/127\.0\.0\.1:\d+\/state\/pg-primary\?ID=\S+.*EOF/,
    );
    expect(scenario.backend.rawState(STACK)).toBe(before);
    expectBackupOf(before, first.stdout);

    scenario.backend.faults = {};
    const rerun = await runOperation(scenario, "failover");
    expect(rerun.code).toBe(0);
    expect(rolePuts()).toHaveLength(1);
    expect(sorted(remote())).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
  });

  it("when no backup can be made after the role change, nothing is removed from state: exit 6, and a rerun finishes", async () => {
    const before = scenario.backend.rawState(STACK)!;
    const writesBefore = scenario.backend.received("POST", STACK).length;
    // The takeover is held until Aiven has accepted the role change; then a
    // file takes the backup folder's place (the preflight found it writable),
    // and the takeover is released: no backup can be written after the change.
    scenario.sim.model.delays = { ...scenario.sim.model.delays, failoverMs: 600_000 };
    const first = await runOperation(scenario, "failover", [], {}, (child) => {
      let seen = "";
      child.stdout!.on("data", (d: Buffer) => {
        seen += d;
        if (!seen.includes("Aiven accepted")) return;
        seen = "";
        fs.rmSync(backupDir(), { recursive: true, force: true });
        fs.writeFileSync(backupDir(), "not a folder");
        for (const name of ["pg-primary", "pg-primary-dr"]) scenario.sim.model.finishTransition("crdr-test", name);
      });
    });
    expect(first.code).toBe(6);
    expect(first.stderr).toMatch(
      /^✖ Aiven has failed pg-primary over to pg-primary-dr, but Terraform state was not updated: Could not back up the Terraform state of pg-primary to \S+\/\.crdr\/backups\/pg-primary-\S+\.tfstate \((ENOTDIR|EEXIST)\), so the state was left as it is/,
    );
    expect(first.stdout).not.toMatch(/backed up to/);
    expect(scenario.backend.received("POST", STACK)).toHaveLength(writesBefore);
    expect(scenario.backend.rawState(STACK)).toBe(before);

    fs.rmSync(backupDir());
    const rerun = await runOperation(scenario, "failover");
    expect(rerun.code).toBe(0);
    expect(rolePuts()).toHaveLength(1);
    expect(sorted(remote())).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    expectBackupOf(before, rerun.stdout);
  });

  it("a slow backend (every answer delayed) still fails over with one role change", async () => {
    scenario.backend.faults = { latencyMs: 150 };
    const before = scenario.backend.rawState(STACK)!;
    const run = await runOperation(scenario, "failover");
    expect(run.code).toBe(0);
    expect(rolePuts()).toHaveLength(1);
    expect(sorted(remote())).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    expectBackupOf(before, run.stdout);
  });
});
