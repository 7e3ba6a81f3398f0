import * as path from "path";
import { ChildProcess } from "child_process";
import { runOperation } from "./support/dr-operations";
import { GatingProxy } from "./support/gating-proxy";
import { ProjectFixture, runScript, STACK } from "./support/project-fixture";
import { useDrScenario } from "./support/dr-scenario";
import { cycleHelpers, PRIMARY } from "./support/cycle-helpers";

const scenario = useDrScenario("tok-cycle-51a0c2e9");
const { run, status, integrationId } = cycleHelpers(scenario);

describe("npm run status", () => {
  it("reports a healthy pair as the API shows it, exit 0", async () => {
    const result = await status("--json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.verdict).toBe("healthy");
    expect(report.pairs[0]).toMatchObject({
      stack: STACK,
      phase: { phase: "normal" },
      primary: {
        service: "pg-primary",
        cloud: "google-europe-west1",
        reachable: true,
        state: "RUNNING",
        role: "active",
        plan: "startup-4",
      },
      recovery: { service: "pg-primary-dr", cloud: "google-europe-north1", state: "RUNNING", role: "passive" },
      integration: {
        present: true,
        active: true,
        enabled: true,
        direction: "pg-primary → pg-primary-dr",
        id: integrationId(),
      },
      findings: [],
    });
  });

  it("flags drift loudly when Aiven contradicts the phase, exit 5", async () => {
    scenario.sim.model.updateService("crdr-test", "pg-primary-dr", { disaster_recovery_role: "active" });
    const result = await status();
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(/✖ DRIFTED {2}pg-primary/);
    expect(result.stdout).toMatch(/phase "normal" expects recovery pg-primary-dr to be passive, but Aiven says active/);
  });

  it("flags a missing integration as drift", async () => {
    scenario.sim.model.deleteIntegration("crdr-test", integrationId());
    const result = await status("--stack", STACK, "--json");
    expect(result.code).toBe(5);
    expect(JSON.parse(result.stdout).pairs[0].findings).toContainEqual({
      level: "drift",
      message: "the disaster_recovery integration is missing at Aiven",
    });
  });

  it("reports a rebuilding peer as degraded, exit 4", async () => {
    scenario.sim.model.addService({
      project: "crdr-test",
      name: "pg-primary-dr",
      plan: "startup-4",
      cloud: "google-europe-north1",
      state: "REBUILDING",
      role: "passive",
    });
    const result = await status();
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/recovery pg-primary-dr is REBUILDING/);
  });

  it("reports a run that changed roles but did not finish, until a rerun completes it", async () => {
    scenario.sim.model.delays = { ...scenario.sim.model.delays, failoverMs: 60_000 };
    expect((await run("failover", "--timeout", "1s")).code).toBe(3);
    const interrupted = await status("--json");
    expect(interrupted.code).toBe(5); // the phase file still says normal while the primary is failed
    expect(JSON.parse(interrupted.stdout).pairs[0].findings).toContainEqual({
      level: "degraded",
      message: expect.stringMatching(
        /^a failover run started \S+ did not finish after a role change at Aiven \(sent or seen\); rerun npm run failover -- --stack pg-primary$/,
      ),
    });
    // The promotion was scheduled a minute out; make it happen now for the rerun.
    scenario.sim.model.addService({
      project: "crdr-test",
      name: "pg-primary-dr",
      plan: "startup-4",
      cloud: "google-europe-north1",
      role: "active",
    });
    expect((await run("failover")).code).toBe(0);
    const after = await status("--json");
    expect(JSON.parse(after.stdout).pairs[0].findings.filter((f: { level: string }) => f.level !== "note")).toEqual([]);
  });

  it("is healthy after a failover even though the primary cannot be read", async () => {
    expect((await run("failover")).code).toBe(0);
    scenario.sim.faults.add({ kind: "status", status: 503, method: "GET", path: `^${PRIMARY}$` });
    const result = await status("--json");
    expect(JSON.parse(result.stdout).pairs[0].primary.reachable).toBe(false);
    expect(result.code).toBe(0);
  });
});

describe("npm run status after a revert", () => {
  it("notes the pending imports without calling a healthy pair degraded", async () => {
    expect((await run("failover")).code).toBe(0);
    expect((await run("revert")).code).toBe(0);
    const result = await status("--json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout).pairs[0];
    expect(report.verdict).toBe("healthy");
    expect(report.findings).toEqual([
      {
        level: "note",
        message:
          "imports pending in the config until an apply takes them into state: aiven_service_integration.disaster_recovery",
      },
    ]);
  });
});

describe("npm run status beside another checkout", () => {
  let proxy: GatingProxy | undefined;
  let other: ProjectFixture | undefined;
  afterEach(async () => {
    await proxy?.stop();
    other?.remove();
    proxy = other = undefined;
  });

  it("shows a role change a killed run in another checkout on this machine sent and never resolved, and what a rerun does (exit 4)", async () => {
    // Aiven accepts the failover but shows it only much later: the pair reads as before, so only the record tells.
    scenario.sim.faults.add({
      kind: "delayed-visibility",
      method: "PUT",
      path: `^${PRIMARY}$`,
      visibleAfterMs: 600_000,
      times: 1,
    });
    proxy = new GatingProxy(scenario.env.AIVEN_WEB_URL!, (method) =>
      method === "PUT" ? { kind: "hold-answer" } : undefined,
    );
    const env = { AIVEN_WEB_URL: await proxy.start(), CRDR_API_TIMEOUT_MS: "120000" };
    let child: ChildProcess | undefined;
    const running = runOperation(scenario, "failover", [], env, (c) => (child = c));
    await proxy.answerHeld();
    child!.kill("SIGKILL");
    expect((await running).signal).toBe("SIGKILL");
    expect(scenario.sim.apiCalls("PUT")).toHaveLength(1);

    other = ProjectFixture.create();
    other.synth();
    const result = await runScript(other, "status", ["--stack", STACK], scenario.env);
    const record = path.join(process.env.CRDR_LOCK_DIR!, "crdr-test.pg-primary.role-changes.jsonl");
    const finding = new RegExp(
      `^ {2}! degraded: a failover run from checkout ${scenario.project.dir} \\(run [0-9a-f-]{36}\\) asked Aiven at \\S+Z to make pg-primary failed and never learned whether Aiven applied it \\(recorded in ${record}\\); a rerun of npm run failover -- --stack pg-primary, from any checkout here, first reads both peers for up to --lost-answer-grace \\(default 2m\\) and sends nothing if they show the change, and sends it once more only if neither shows any sign of it$`,
      "m",
    );
    expect(result.stdout).toMatch(finding);
    expect(result.stdout).toMatch(/^! DEGRADED {2}pg-primary/);
    expect(result.code).toBe(4);
    // In the checkout that sent it, its own journal says so, once.
    const here = await status("--stack", STACK);
    expect(here.stdout).not.toMatch(/from checkout/);
    expect(here.stdout).toMatch(/a failover run started \S+ did not finish after a role change at Aiven/);
  });
});
