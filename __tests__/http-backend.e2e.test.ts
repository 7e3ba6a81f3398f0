import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { DR_OPERATIONS, PATHS, peers, putsFor, runOperation } from "./support/dr-operations";
import { useHttpDrScenario } from "./support/http-dr-scenario";
import { STACK } from "./support/project-fixture";

/**
 * Every DR operation on remote state: Terraform's `http` backend served on
 * 127.0.0.1, with the real terraform binary, and the backend's faults.
 */
const TOKEN = "tok-http-state-51c0e7";
const scenario = useHttpDrScenario(TOKEN);

const FAILOVER = DR_OPERATIONS.find((o) => o.script === "failover")!;
const INTEGRATION = "aiven_service_integration.disaster_recovery";
const sorted = (state: { resources: Array<{ type: string; name: string }> } | undefined) => (state?.resources ?? []).map((r) => `${r.type}.${r.name}`).sort();
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
    expect.objectContaining({ file, lineage: JSON.parse(before).lineage, serial: JSON.parse(before).serial, sha256: createHash("sha256").update(text).digest("hex") }),
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
    expect(rolePuts()).toEqual([{ method: "PUT", path: PATHS.primary, body: { disaster_recovery_role: "failed" }, status: 200 }]);
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
