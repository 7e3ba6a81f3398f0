import * as fs from "fs";
import * as path from "path";
import { runScript, STACK } from "./support/project-fixture";
import { useDrScenario } from "./support/dr-scenario";
import { withDefaultFlags } from "./support/dr-operations";

const TOKEN = "tok-e2e-7c1d9f0a5b3e";
const PRIMARY_PATH = "/v1/project/crdr-test/service/pg-primary";
const RECOVERY_PATH = "/v1/project/crdr-test/service/pg-primary-dr";

const scenario = useDrScenario(TOKEN);

const failover = (...args: string[]) =>
  runScript(
    scenario.project,
    "failover",
    withDefaultFlags(
      [
        ["--stack", STACK],
        ["--poll-interval", "100ms"],
      ],
      args,
    ),
    scenario.env,
  );
const puts = () => scenario.sim.apiCalls("PUT");

function expectFailedOverConfig(primary: "frozen" | "forgotten") {
  const stack = scenario.project.synth();
  expect(stack.resource("aiven_service_integration.disaster_recovery")).toBeUndefined();
  if (primary === "frozen") {
    expect(stack.resource("aiven_pg.primary")?.lifecycle).toEqual({ ignore_changes: "all", prevent_destroy: true });
  } else {
    expect(stack.resource("aiven_pg.primary")).toBeUndefined();
  }
  expect(stack.resource("aiven_pg.recovery")).toBeDefined();
}

describe("npm run failover", () => {
  it("fails over at Aiven with one PUT, forgets the integration, keeps the primary frozen, and records the phase", async () => {
    const before = fs.readFileSync(scenario.project.stateFile, "utf8");
    const run = await failover("--yes");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    expect(puts()).toEqual([
      { method: "PUT", path: PRIMARY_PATH, body: { disaster_recovery_role: "failed" }, status: 200 },
    ]);
    expect(scenario.sim.model.getService("crdr-test", "pg-primary")).toMatchObject({
      state: "POWEROFF",
      disaster_recovery_role: "failed",
    });
    expect(scenario.sim.model.getService("crdr-test", "pg-primary-dr")).toMatchObject({
      state: "RUNNING",
      disaster_recovery_role: "active",
    });

    expect(await scenario.project.stateAddresses()).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    expect(scenario.project.phases()[STACK]).toMatchObject({
      phase: "failed-over",
      primary: "frozen",
      operation: "failover",
    });
    expectFailedOverConfig("frozen");

    // The state as it was is kept once, pulled into .crdr/backups before the removal. It holds passwords: 0600.
    const backupDir = path.join(scenario.project.dir, ".crdr", "backups");
    const backups = fs.readdirSync(backupDir);
    expect(backups).toEqual([expect.stringMatching(/^pg-primary-\d{8}T\d{6}-\d{3}Z\.tfstate$/)]);
    expect(run.stdout).toContain(`backed up to .crdr/backups/${backups[0]} (private`);
    expect((fs.statSync(path.join(backupDir, backups[0])).mode & 0o777).toString(8)).toBe("600");
    expect(JSON.parse(fs.readFileSync(path.join(backupDir, backups[0]), "utf8"))).toEqual(JSON.parse(before));
    // Terraform's own state rm backup is no second copy: none beside the working directory or the state.
    expect(fs.readdirSync(scenario.project.stack().workingDirectory).filter((f) => f.includes("backup"))).toEqual([]);
    expect(fs.readdirSync(scenario.project.dir).filter((f) => f.includes("backup"))).toEqual([]);
    expect(run.stdout).toMatch(/Commit crdr-phases\/pg-primary\.json and open a pull request/);
  });

  it("is idempotent: a second run exits 0 and sends no PUT", async () => {
    expect((await failover("--yes")).code).toBe(0);
    const second = await failover("--yes");
    expect(second.code).toBe(0);
    expect(puts()).toHaveLength(1);
    expect(second.stdout).toMatch(/skipped: Aiven already shows the failover/);
    expect(await scenario.project.stateAddresses()).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
  });

  it("with --primary-unreachable, tolerates a primary the API cannot read and forgets it too", async () => {
    scenario.sim.faults.add({ kind: "status", status: 503, method: "GET", path: `^${PRIMARY_PATH}$` });
    const run = await failover("--yes", "--primary-unreachable");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/primary pg-primary: unreachable/);
    expect(puts().filter((p) => p.status === 200)).toHaveLength(1);
    expect(await scenario.project.stateAddresses()).toEqual(["aiven_pg.recovery"]);
    expect(scenario.project.phases()[STACK]).toMatchObject({ phase: "failed-over", primary: "forgotten" });
    expectFailedOverConfig("forgotten");
    expect(scenario.project.stack().removedAddresses().sort()).toEqual([
      "aiven_pg.primary",
      "aiven_service_integration.disaster_recovery",
    ]);
  });

  it("with --state-only, sends no PUT but verifies the roles and reconciles state", async () => {
    scenario.sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" });
    const run = await failover("--yes", "--state-only");
    expect(run.code).toBe(0);
    expect(puts()).toEqual([]);
    expect(await scenario.project.stateAddresses()).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    expect(scenario.project.phases()[STACK].phase).toBe("failed-over");
  });

  it("refuses --state-only while the recovery service is still passive", async () => {
    const run = await failover("--yes", "--state-only");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /--state-only expects the failover to be done already, but pg-primary-dr is still passive/,
    );
    expect(puts()).toEqual([]);
    expect(await scenario.project.stateAddresses()).toHaveLength(3);
  });

  it("with --dry-run, prints each step and changes nothing", async () => {
    const before = fs.readFileSync(scenario.project.stateFile);
    const run = await failover("--dry-run");
    expect(run.code).toBe(0);
    expect(fs.readFileSync(scenario.project.stateFile).equals(before)).toBe(true);
    expect(puts()).toEqual([]);
    expect(scenario.project.phases()).toEqual({});
    expect(fs.existsSync(path.join(scenario.project.dir, ".crdr"))).toBe(false);
    expect(run.stdout).toContain(
      `PUT ${scenario.env.AIVEN_WEB_URL}${PRIMARY_PATH} {"disaster_recovery_role":"failed"}`,
    );
    expect(run.stdout).toContain(
      "terraform state pull > .crdr/backups/pg-primary-<time>.tfstate   (the backup, before anything is removed)",
    );
    expect(run.stdout).toContain(
      "terraform state rm -no-color -lock-timeout=60s -backup=/dev/null aiven_service_integration.disaster_recovery",
    );
    expect(run.stdout).toMatch(/Dry run: nothing was changed/);
  });

  describe("refusals", () => {
    it("refuses when the recovery service is not RUNNING, naming the risk, and --force overrides", async () => {
      scenario.sim.model.addService({
        project: "crdr-test",
        name: "pg-primary-dr",
        plan: "startup-4",
        cloud: "google-europe-north1",
        state: "REBUILDING",
        role: "passive",
      });
      const refused = await failover("--yes");
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /pg-primary-dr is REBUILDING, not RUNNING: it may not hold all of the primary's data, so failing over now can lose data/,
      );
      expect(puts()).toEqual([]);
      expect(await scenario.project.stateAddresses()).toHaveLength(3);

      const forced = await failover("--yes", "--force");
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(/--force: failing over/);
      expect(puts()).toHaveLength(1);
    });

    it("refuses a recovery service that is not a CRDR peer, or that is failed", async () => {
      scenario.sim.model.addService({
        project: "crdr-test",
        name: "pg-primary-dr",
        plan: "startup-4",
        cloud: "google-europe-north1",
      });
      const noRole = await failover("--yes", "--force");
      expect(noRole.code).toBe(2);
      expect(noRole.stderr).toMatch(
        /pg-primary-dr has no disaster_recovery_role, so it is not a CRDR recovery service/,
      );
      scenario.sim.model.addService({
        project: "crdr-test",
        name: "pg-primary-dr",
        plan: "startup-4",
        cloud: "google-europe-north1",
        state: "POWEROFF",
        role: "failed",
      });
      const failed = await failover("--yes", "--force");
      expect(failed.code).toBe(2);
      expect(failed.stderr).toMatch(/pg-primary-dr is failed; only a primary can be failed/);
      expect(puts()).toEqual([]);
    });

    it("refuses a primary or recovery name Aiven does not know", async () => {
      // The environment now names a project Aiven does not hold: the stack is resynthesized for it.
      const run = await runScript(scenario.project, "failover", ["--stack", STACK, "--yes"], {
        ...scenario.env,
        AIVEN_PROJECT: "other-project",
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /Aiven has no service "pg-primary-dr" in project "other-project" \(GET .* failed with HTTP 404: Project other-project does not exist\); check the project setting/,
      );
    });

    it("refuses when the recovery service cannot be read", async () => {
      scenario.sim.faults.add({ kind: "status", status: 503, method: "GET", path: `^${RECOVERY_PATH}$` });
      const run = await failover("--yes");
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/The recovery service pg-primary-dr cannot be read .*pass --force/);
      expect(puts()).toEqual([]);
    });

    it("refuses without a terminal and without --yes, first: before reading Aiven or starting terraform", async () => {
      const run = await failover();
      expect(run.code).toBe(2);
      expect(run.stderr).toBe("✖ No terminal to confirm on; rerun with --yes to go ahead without the prompt.\n");
      expect(run.stdout).toBe("");
      // No step ran (each prints its ▶ line), the preflight's terraform init included.
      expect(scenario.sim.apiCalls()).toEqual([]);
    });

    it("refuses a pair that looks switched over rather than failed", async () => {
      scenario.sim.model.updateService("crdr-test", "pg-primary-dr", { disaster_recovery_role: "active" });
      const run = await failover("--yes");
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /pg-primary-dr is already active but the primary pg-primary is RUNNING\/passive, which looks like a switchover/,
      );
      expect(puts()).toEqual([]);
    });

    it("refuses a wrong token, without printing either token", async () => {
      scenario.env.AIVEN_TOKEN = "wrong-token-0123456789";
      const refused = await failover("--yes");
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/The Aiven API refused the token \(GET .* failed with HTTP 401: Invalid token\)/);
      expect(refused.stderr + refused.stdout).not.toContain("wrong-token-0123456789");
    });

    it("refuses an unknown stack, listing the known ones", async () => {
      const run = await runScript(scenario.project, "failover", ["--stack", "nope", "--yes"], scenario.env);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /Stack "nope" is not among the synthesized stacks \("pg-primary"\); pass one of those to --stack/,
      );
    });

    it("refuses a malformed --timeout", async () => {
      const run = await failover("--yes", "--timeout", "soon");
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--timeout "soon" is not a duration/);
    });

    it("refuses to run without a token", async () => {
      const run = await runScript(scenario.project, "failover", ["--stack", STACK, "--yes"], {
        ...scenario.env,
        AIVEN_TOKEN: "",
        AIVEN_AUTH_TOKEN: "",
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/No Aiven token is set; export AIVEN_TOKEN or AIVEN_AUTH_TOKEN/);
    });

    it("refuses a malformed phase file, and leaves it alone", async () => {
      scenario.project.writePhases({ [STACK]: { phase: "sideways" } });
      const run = await failover("--yes");
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/The phase file .*crdr-phases\/pg-primary\.json is malformed \(phase: /);
      expect(puts()).toEqual([]);
      expect(scenario.project.phases()[STACK].phase).toBe("sideways");
    });
  });

  describe("faults", () => {
    it("survives 5xx answers, rate limits, slow answers and dropped connections on its reads", async () => {
      scenario.sim.faults.add({ kind: "status", status: 502, method: "GET", times: 2 });
      scenario.sim.faults.add({ kind: "drop", method: "GET", times: 1 });
      scenario.sim.faults.add({ kind: "rate-limit", method: "GET", retryAfterSeconds: 1, times: 1 });
      scenario.sim.faults.add({ kind: "slow", method: "GET", delayMs: 300, times: 3 });
      const run = await failover("--yes");
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(puts().map((p) => p.status)).toEqual([200]);
      expect(scenario.sim.apiCalls("GET").some((r) => r.status === 429)).toBe(true);
      expect(await scenario.project.stateAddresses()).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    });

    it("does not resend the trigger when the answer to it was lost but Aiven applied it", async () => {
      // The PUT reaches Aiven; the simulator then times out the answer.
      scenario.sim.faults.add({ kind: "slow", method: "PUT", delayMs: 3000, times: 1 });
      const run = await failover("--yes");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /Aiven applied it although the answer was lost \(pg-primary is now failed\); not sending it again/,
      );
      expect(puts()).toHaveLength(1);
      expect(scenario.sim.model.getService("crdr-test", "pg-primary").disaster_recovery_role).toBe("failed");
    });

    it("resumes after a crash between the trigger and state rm, without a second PUT", async () => {
      scenario.sim.model.delays = { ...scenario.sim.model.delays, failoverMs: 4000 };
      const crashed = await runScript(
        scenario.project,
        "failover",
        ["--stack", STACK, "--yes", "--poll-interval", "100ms"],
        scenario.env,
        (child) => {
          const timer = setInterval(() => {
            if (puts().some((p) => p.status === 200)) {
              clearInterval(timer);
              child.kill("SIGKILL");
            }
          }, 20);
        },
      );
      expect(crashed.signal).toBe("SIGKILL");
      expect(await scenario.project.stateAddresses()).toHaveLength(3);
      expect(scenario.project.phases()).toEqual({});

      const resumed = await failover("--yes");
      expect(resumed.code).toBe(0);
      expect(puts()).toHaveLength(1);
      expect(await scenario.project.stateAddresses()).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
      expect(scenario.project.phases()[STACK].phase).toBe("failed-over");
    });

    it("stops at --timeout saying where each peer stands, and a rerun resumes without a second PUT", async () => {
      scenario.sim.model.delays = { ...scenario.sim.model.delays, failoverMs: 60_000 };
      const timedOut = await failover("--yes", "--timeout", "1s");
      expect(timedOut.code).toBe(3);
      expect(timedOut.stderr).toMatch(
        /^✖ Aiven has failed pg-primary over to pg-primary-dr\. Timed out after \d+s waiting for the takeover: pg-primary-dr RUNNING\/active, pg-primary failed \(pg-primary-dr: REBALANCING\/passive; pg-primary: POWEROFF\/failed\)/,
      );
      expect(timedOut.stderr).toMatch(/rerun the same command \(`npm run failover -- --stack pg-primary`\) to resume/);
      expect(await scenario.project.stateAddresses()).toHaveLength(3);

      // The promotion is still 60 s out: the rerun waits again rather than re-trigger.
      const resumed = await failover("--yes", "--timeout", "1s");
      expect(resumed.code).toBe(3);
      expect(resumed.stdout).toMatch(/trigger: skipped/);
      expect(puts()).toHaveLength(1);
    });
  });

  it("never prints or writes the token", async () => {
    const runs = [await failover("--dry-run"), await failover("--yes", "--json"), await failover("--yes")];
    for (const run of runs) expect(run.stdout + run.stderr).not.toContain(TOKEN);
    for (const file of scenario.project.allFiles()) {
      expect({ file, hasToken: fs.readFileSync(file).includes(TOKEN) }).toEqual({ file, hasToken: false });
    }
  });
});

describe("npm run failover when synth is broken mid-outage", () => {
  it("refuses before the trigger, with synth's own reason, and sends nothing; --dry-run still shows the steps", async () => {
    const config = path.join(scenario.project.dir, "cdktf.json");
    const original = fs.readFileSync(config, "utf8");
    const brokenApp = `node -e "console.error('main.ts(12,5): error TS1005: \\',\\' expected.'); process.exit(2)"`;
    fs.writeFileSync(config, JSON.stringify({ ...JSON.parse(original), app: brokenApp }));
    // Make the existing stack look stale so the failover tries to synthesize.
    fs.utimesSync(scenario.project.stack().file, new Date(0), new Date(0));
    const run = await runScript(
      scenario.project,
      "failover",
      ["--stack", STACK, "--yes", "--poll-interval", "100ms"],
      scenario.env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^✖ The project does not synthesize, and an operation must synthesize the new phase once Aiven has changed, so nothing was sent; fix main.ts or the phase file/,
    );
    expect(run.stderr).toContain("main.ts(12,5): error TS1005: ',' expected.");
    expect(scenario.sim.apiCalls("PUT")).toHaveLength(0);
    expect(await scenario.project.stateAddresses()).toHaveLength(3);

    const dry = await runScript(scenario.project, "failover", ["--stack", STACK, "--dry-run"], scenario.env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/! synth failed, so the existing, older cdktf.out is used for names and addresses/);

    fs.writeFileSync(config, original);
    const rerun = await runScript(
      scenario.project,
      "failover",
      ["--stack", STACK, "--yes", "--poll-interval", "100ms"],
      scenario.env,
    );
    expect(rerun.code).toBe(0);
    expect(scenario.sim.apiCalls("PUT")).toHaveLength(1);
    expect(scenario.project.stack().resource("aiven_service_integration.disaster_recovery")).toBeUndefined();
  });
});

describe("npm run failover when Aiven no longer returns the primary", () => {
  it("treats a 404 for the primary as unreachable: refused without --state-only, reconciled with it", async () => {
    scenario.sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" });
    scenario.sim.faults.add({ kind: "status", status: 404, method: "GET", path: "/service/pg-primary$" });
    const refused = await runScript(
      scenario.project,
      "failover",
      ["--stack", STACK, "--yes", "--poll-interval", "100ms"],
      scenario.env,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /pg-primary-dr is already active but the primary pg-primary is unreachable.*pass --state-only/,
    );
    const reconciled = await runScript(
      scenario.project,
      "failover",
      ["--stack", STACK, "--yes", "--state-only", "--primary-unreachable", "--poll-interval", "100ms"],
      scenario.env,
    );
    expect(reconciled.code).toBe(0);
    expect(await scenario.project.stateAddresses()).toEqual(["aiven_pg.recovery"]);
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
  });
});
