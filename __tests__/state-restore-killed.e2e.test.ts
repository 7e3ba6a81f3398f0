import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ProjectFixture, runScript, ScriptRun, STACK } from "./support/project-fixture";
import { writeStandInTerraform } from "./support/stand-in-terraform";
import { waitFor } from "./support/wait-for";
import { withDefaultFlags } from "./support/dr-operations";

/**
 * `npm run state-restore` stopped while terraform pushes: terraform runs in
 * a process group of its own, so the tool must stop it; the private copy it
 * pushes from must not outlive it; and the undo backup the restore made (the
 * state as it was) must not become a rerun's default source. And a push
 * terraform reports as failed is read back before anything is claimed.
 * Terraform is a stand-in script here: a push that never ends, held at a
 * known point, or that fails after storing, on demand.
 */
const LINEAGE = "5d2f0c1e-killed-restore";
const state = (serial: number, resources: string[]) =>
  JSON.stringify({
    version: 4,
    serial,
    lineage: LINEAGE,
    resources: resources.map((a) => ({ mode: "managed", type: a.split(".")[0], name: a.split(".")[1], instances: [] })),
  });

let project: ProjectFixture;
let work: string;
let child: ChildProcess | undefined;

beforeAll(() => {
  project = ProjectFixture.create();
  project.synth();
});
afterAll(() => project.remove());

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-killed-restore-"));
  fs.mkdirSync(path.join(work, "tmp"));
  fs.rmSync(path.join(project.dir, ".crdr"), { recursive: true, force: true });
  // An operation's backup: the state before a failover forgot the link.
  fs.mkdirSync(path.join(project.dir, ".crdr", "backups"), { recursive: true });
  fs.writeFileSync(
    path.join(project.dir, ".crdr", "backups", `${STACK}-20260101T000000-000Z.tfstate`),
    state(3, ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"]),
    { mode: 0o600 },
  );
  // The stand-in terraform: its state is the failed-over one; a push records its pid, the copy's mode, and then hangs in a child of its own.
  fs.writeFileSync(path.join(work, "current.tfstate"), state(5, ["aiven_pg.primary", "aiven_pg.recovery"]));
  writeStandInTerraform(work, "hang");
});
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
  fs.rmSync(work, { recursive: true, force: true });
});

const env = () => ({ TERRAFORM_BINARY_NAME: path.join(work, "terraform"), TMPDIR: path.join(work, "tmp") });
const restore = (...args: string[]) =>
  runScript(project, "state-restore", withDefaultFlags([["--stack", STACK]], args), env(), (c) => (child = c));

/** Gone, or a zombie nobody has reaped yet: either way no longer running. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe.each([["SIGTERM", 143] as const, ["SIGINT", 130] as const])(
  "a state-restore stopped by %s while terraform pushes",
  (signal, exitCode) => {
    it("stops terraform and what it started, removes the private copy it pushed from, and a rerun does not offer the undo backup as the source", async () => {
      const run = restore("--yes");
      await waitFor(
        () =>
          fs.existsSync(path.join(work, "push-pids")) &&
          fs.readFileSync(path.join(work, "push-pids"), "utf8").endsWith("\n"),
      );
      const pids = fs.readFileSync(path.join(work, "push-pids"), "utf8").trim().split(" ").map(Number);
      expect(pids.every(running)).toBe(true);
      // While it existed, the copy of the state (it holds the passwords) was the owner's alone.
      expect(fs.readFileSync(path.join(work, "copy-mode"), "utf8").trim()).toBe("600");
      child!.kill(signal);
      const stopped: ScriptRun = await run;
      expect(stopped.code).toBe(exitCode);
      // The pair lock is released, its holder note too: a rerun is not refused, nor left to guess.
      expect(fs.readdirSync(process.env.CRDR_LOCK_DIR!)).toEqual([]);
      await waitFor(() => !pids.some(running));
      expect(fs.readdirSync(path.join(work, "tmp"))).toEqual([]);

      // The restore had backed up the state it was replacing: marked as its undo backup.
      const backups = fs.readdirSync(path.join(project.dir, ".crdr", "backups")).sort();
      expect(backups).toEqual([
        `${STACK}-20260101T000000-000Z.tfstate`,
        expect.stringMatching(/^pg-primary-\d{8}T\d{6}-\d{3}Z\.undo\.tfstate$/),
      ]);

      const rerun = await restore("--dry-run");
      expect(rerun.code).toBe(0);
      expect(rerun.stdout).toContain(`would put back .crdr/backups/${STACK}-20260101T000000-000Z.tfstate: serial 3`);
      expect(rerun.stdout).toContain(
        `not the newer undo backup .crdr/backups/${backups[1]}, which an earlier state-restore made of the state it replaced (pass --backup to restore that one)`,
      );
    });
  },
);

describe("a state-restore whose push terraform reports as failed", () => {
  it("reads the state back: stored after all, it says so and finishes (exit 0)", async () => {
    writeStandInTerraform(work, "store-then-fail");
    const run = await restore("--yes");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /terraform reported the push as failed \(.*Failed to persist state: HTTP 503.*\), but the state read back is what was pushed: the backend took it/,
    );
    expect(JSON.parse(fs.readFileSync(path.join(work, "current.tfstate"), "utf8"))).toMatchObject({
      lineage: LINEAGE,
      serial: 6,
      resources: [{ name: "primary" }, { name: "recovery" }, { name: "disaster_recovery" }],
    });
  });

  it("reads the state back: not stored, it says what the state holds and where the state as it was is (exit 2)", async () => {
    writeStandInTerraform(work, "fail");
    const run = await restore("--yes");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^✖ The push of \.crdr\/backups\/pg-primary-20260101T000000-000Z\.tfstate failed \(.*Failed to persist state: HTTP 503.*\); the state of pg-primary read back is serial 5, lineage 5d2f0c1e-killed-restore, 2 resources \(aiven_pg\.primary, aiven_pg\.recovery\)\. The state as it was is in \.crdr\/backups\/pg-primary-\d{8}T\d{6}-\d{3}Z\.undo\.tfstate\. Fix the backend, then rerun with --backup \.crdr\/backups\/pg-primary-20260101T000000-000Z\.tfstate\.\n$/,
    );
  });
});
