import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DrScenario, useDrScenario } from "./support/dr-scenario";
import { runOperation, withDefaultFlags } from "./support/dr-operations";
import { useHttpDrScenario } from "./support/http-dr-scenario";
import { runScript, STACK } from "./support/project-fixture";

/**
 * `npm run state-restore` puts a stack's state back as a backup holds it, on
 * local state and on Terraform's http backend, with the real terraform binary.
 */
const TOKEN = "tok-restore-3e91a0";

const restore = (s: DrScenario, ...args: string[]) =>
  runScript(s.project, "state-restore", withDefaultFlags([["--stack", STACK]], args), s.env);
const pulled = async (s: DrScenario) =>
  JSON.parse(await s.project.terraform().statePull()) as {
    serial: number;
    lineage: string;
    resources: Array<{ type: string; name: string }>;
  };
const addresses = (state: { resources: Array<{ type: string; name: string }> }) =>
  state.resources.map((r) => `${r.type}.${r.name}`).sort();
const backupDir = (s: DrScenario) => path.join(s.project.dir, ".crdr", "backups");
const backups = (s: DrScenario) => (fs.existsSync(backupDir(s)) ? fs.readdirSync(backupDir(s)).sort() : []);
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];

/** `lose` makes the backend hold no state of the stack; `stateless` says it still holds none. */
function restoreSpecs(
  backend: string,
  scenario: DrScenario,
  lose: (s: DrScenario) => void,
  stateless: (s: DrScenario) => boolean,
) {
  it(`on ${backend} state: shows what it puts back, backs up the current state, and pushes the backup as the next serial of the same lineage`, async () => {
    const original = await pulled(scenario);
    expect((await runOperation(scenario, "failover")).code).toBe(0);
    const [backup] = backups(scenario);
    const afterFailover = await pulled(scenario);
    expect(addresses(afterFailover)).toEqual(ALL.slice(0, 2));

    const run = await restore(scenario, "--yes");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `would put back .crdr/backups/${backup}: serial ${original.serial}, lineage ${original.lineage}, 3 resources (`,
    );
    expect(run.stdout).toContain(`over the current state: serial ${afterFailover.serial}, 2 resources`);
    expect(run.stdout).toContain("puts back aiven_service_integration.disaster_recovery");
    const now = await pulled(scenario);
    // The backup's content, its lineage, and a serial after the one it replaced (terraform refuses to go back).
    expect(now).toEqual({ ...original, serial: expect.any(Number) });
    expect(now.serial).toBeGreaterThan(afterFailover.serial);
    expect(run.stdout).toContain(`(now serial ${now.serial}, 3 resources`);
    // The state it replaced was backed up first, the same way, and is named.
    const added = backups(scenario).filter((f) => f !== backup);
    expect(added).toHaveLength(1);
    expect(run.stdout).toContain(`The state it replaced is in .crdr/backups/${added[0]}`);
    expect(JSON.parse(fs.readFileSync(path.join(backupDir(scenario), added[0]), "utf8"))).toEqual(afterFailover);
    expect((fs.statSync(path.join(backupDir(scenario), added[0])).mode & 0o777).toString(8)).toBe("600");
    // Every other copy is private too: a local backend's push leaves terraform's own <state>.backup, as an apply does.
    const copies = fs.readdirSync(scenario.project.dir).filter((f) => /tfstate/.test(f));
    expect(copies).toEqual(
      backend === "local" ? ["terraform.pg-primary.tfstate", "terraform.pg-primary.tfstate.backup"] : [],
    );
    for (const copy of copies)
      expect((fs.statSync(path.join(scenario.project.dir, copy)).mode & 0o777).toString(8)).toBe("600");
    // The stack's journal stays the DR operations' record (status reads its last run).
    const journal = fs
      .readFileSync(path.join(scenario.project.dir, ".crdr", "journal", `${STACK}.jsonl`), "utf8")
      .trim()
      .split("\n");
    expect(new Set(journal.map((l) => JSON.parse(l).operation))).toEqual(new Set(["failover"]));
  });

  it(`on ${backend} state: refuses a backup of another lineage (exit 2) and changes nothing`, async () => {
    const state = await pulled(scenario);
    const foreign = path.join(scenario.project.dir, "foreign.tfstate");
    fs.writeFileSync(foreign, JSON.stringify({ ...state, lineage: "0d6c6a34-another-state", resources: [] }), {
      mode: 0o600,
    });
    const run = await restore(scenario, "--yes", "--backup", "foreign.tfstate");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `✖ foreign.tfstate holds lineage 0d6c6a34-another-state, but the state of pg-primary is lineage ${state.lineage}: it is a backup of another state; pass --backup with one of pg-primary's own backups.\n`,
    );
    expect(await pulled(scenario)).toEqual(state);
    expect(backups(scenario)).toEqual([]);
  });

  it(`on ${backend} state: --dry-run shows the backup and changes nothing; without a terminal it needs --yes`, async () => {
    const state = await pulled(scenario);
    fs.mkdirSync(backupDir(scenario), { recursive: true });
    const name = "pg-primary-20261101T120000-000Z.tfstate";
    fs.writeFileSync(
      path.join(backupDir(scenario), name),
      JSON.stringify({ ...state, resources: state.resources.slice(0, 1) }),
      { mode: 0o600 },
    );
    // A newer backup of a stack whose name starts with this one's is not this stack's.
    fs.writeFileSync(
      path.join(backupDir(scenario), "pg-primary-eu-20261201T120000-000Z.tfstate"),
      JSON.stringify({ ...state, lineage: "0d6c6a34-another-stack" }),
      { mode: 0o600 },
    );
    const dry = await restore(scenario, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      `would put back .crdr/backups/${name}: serial ${state.serial}, lineage ${state.lineage}, 1 resources`,
    );
    expect(dry.stdout).toMatch(/Dry run: nothing was changed/);
    const unconfirmed = await restore(scenario);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/^✖ No terminal to confirm on; rerun with --yes/);
    expect(await pulled(scenario)).toEqual(state);
    expect(backups(scenario)).toEqual([
      "pg-primary-20261101T120000-000Z.tfstate",
      "pg-primary-eu-20261201T120000-000Z.tfstate",
    ]);
  });

  it(`on ${backend} state: refuses to push into a backend that holds no state (exit 2), pushing nothing`, async () => {
    expect((await runOperation(scenario, "failover")).code).toBe(0);
    const [backup] = backups(scenario);
    lose(scenario);
    const run = await restore(scenario, "--yes");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(
        `^✖ The backend of pg-primary holds no state now, so \\.crdr/backups/${backup.replace(/\./g, "\\.")} was not pushed: check that CRDR_BACKEND .* names the stack's real backend; if the backend really lost the state, seed it by hand with "terraform state push \\S+" in cdktf\\.out/stacks/pg-primary, then rerun npm run state-restore\\.\\n$`,
      ),
    );
    expect(stateless(scenario)).toBe(true);
    expect(backups(scenario)).toEqual([backup]);
  });

  it(`on ${backend} state: says so when there is no backup of the stack (exit 2)`, async () => {
    const run = await restore(scenario, "--yes");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("✖ There is no backup of pg-primary in .crdr/backups/; pass --backup FILE to name one.\n");
  });
}

describe("npm run state-restore", () => {
  describe("local", () =>
    restoreSpecs(
      "local",
      useDrScenario(TOKEN),
      (s) => fs.rmSync(s.project.stateFile),
      (s) => !fs.existsSync(s.project.stateFile),
    ));
  describe("http", () => {
    const scenario = useHttpDrScenario(TOKEN);
    restoreSpecs(
      "http",
      scenario,
      () => scenario.backend.forget(STACK),
      () => scenario.backend.rawState(STACK) === undefined,
    );

    it("killed (SIGKILL) while terraform pushes, which finishes the push: a rerun sees the state already restored, pushes nothing and makes no second undo backup (found by a red-team run)", async () => {
      const state = await pulled(scenario);
      fs.mkdirSync(backupDir(scenario), { recursive: true });
      const name = "pg-primary-20261101T120000-000Z.tfstate";
      fs.writeFileSync(path.join(backupDir(scenario), name), JSON.stringify({ ...state, resources: [] }), {
        mode: 0o600,
      });
      scenario.backend.faults.holdWrites = true;
      // A killed run cannot remove the private copy it pushed from: it goes in a folder the test removes.
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-killed-push-"));
      let child: ChildProcess | undefined;
      const running = runScript(
        scenario.project,
        "state-restore",
        ["--stack", STACK, "--yes"],
        { ...scenario.env, TMPDIR: tmp },
        (c) => (child = c),
      );
      try {
        await scenario.backend.until(() => scenario.backend.holdingWrite);
        child!.kill("SIGKILL");
        expect((await running).signal).toBe("SIGKILL");
        scenario.backend.releaseHeldWrites();
        // Terraform, in a process group of its own, stores the push and lets the state lock go.
        await scenario.backend.until(() => scenario.backend.lockOf(STACK) === undefined);
      } finally {
        scenario.backend.releaseHeldWrites();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      const stored = await pulled(scenario);
      expect(stored.resources).toEqual([]);
      expect(backups(scenario)).toEqual([
        name,
        expect.stringMatching(/^pg-primary-\d{8}T\d{6}-\d{3}Z\.undo\.tfstate$/),
      ]);
      const posts = scenario.backend.received("POST", STACK).length;

      const rerun = await restore(scenario, "--yes");
      expect(rerun.stderr).toBe("");
      expect(rerun.code).toBe(0);
      expect(rerun.stdout).toContain(
        `The state of pg-primary already holds what .crdr/backups/${name} holds (serial ${stored.serial}, no resources), as after an earlier restore of it; nothing was pushed and no backup made.`,
      );
      expect(scenario.backend.received("POST", STACK)).toHaveLength(posts);
      expect(backups(scenario)).toHaveLength(2);
    });

    it("says the serial the backend stored, read back, not only the one it pushed with", async () => {
      const state = await pulled(scenario);
      fs.mkdirSync(backupDir(scenario), { recursive: true });
      fs.writeFileSync(
        path.join(backupDir(scenario), "pg-primary-20261101T120000-000Z.tfstate"),
        JSON.stringify({ ...state, resources: [] }),
        { mode: 0o600 },
      );
      const run = await restore(scenario, "--yes");
      expect(run.code).toBe(0);
      const stored = await pulled(scenario);
      expect(run.stdout).toContain(`pushed with serial ${state.serial + 1} of the same lineage`);
      expect(run.stdout).toContain(`(now serial ${stored.serial}, no resources)`);
    });

    it("on http state: pushes only under the state lock; a lock held by another holder refuses, naming the holder (exit 2)", async () => {
      const state = await pulled(scenario);
      fs.mkdirSync(backupDir(scenario), { recursive: true });
      fs.writeFileSync(
        path.join(backupDir(scenario), "pg-primary-20261101T120000-000Z.tfstate"),
        JSON.stringify({ ...state, resources: [] }),
        { mode: 0o600 },
      );
      scenario.backend.holdLock(STACK, {
        ID: "b1e5c0de-0000-4000-8000-000000000042",
        Operation: "OperationTypePlan",
        Who: "bob@ci-runner",
        Created: "2026-11-29T22:00:00Z",
      });
      const run = await restore(scenario, "--yes");
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /^✖ The Terraform state of pg-primary is locked, held by bob@ci-runner, \(plan\), since 2026-11-29T22:00:00Z/,
      );
      expect(await pulled(scenario)).toEqual(state);
      expect(scenario.backend.lockOf(STACK)?.ID).toBe("b1e5c0de-0000-4000-8000-000000000042");
      expect(backups(scenario)).toEqual(["pg-primary-20261101T120000-000Z.tfstate"]);
    });
  });
});
