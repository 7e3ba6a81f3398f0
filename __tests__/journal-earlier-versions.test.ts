import * as fs from "fs";
import * as path from "path";
import { AivenClient } from "../lib/aiven/aiven-client";
import { failover } from "../lib/operations/failover";
import { Journal, WORK_DIR } from "../lib/operations/journal";
import { CommonOptions, OperationDeps } from "../lib/operations/operation-inputs";
import { CapturingReporter } from "../lib/reporting/capturing-reporter";
import { SimServer } from "../lib/simulator/sim-server";
import { checkPair } from "../lib/status/pair-status";
import { ProjectFixture, STACK } from "./support/project-fixture";
import { RecordingTerraform } from "./support/recording-terraform";

/**
 * The event a run writes once Aiven shows what its operation leads to is
 * `${operation}-confirmed`; the version before wrote `takeover-confirmed`
 * (failover) and `failback-confirmed` (revert). Journals on disk outlive an
 * upgrade, so what this version reads in them, it reads under both names.
 */
const TOKEN = "tok-journal-versions-3d1f";
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];
let project: ProjectFixture;

beforeAll(() => {
  project = ProjectFixture.create();
  project.synth();
});
afterAll(() => project.remove());
beforeEach(() => {
  project.clearPhases();
  fs.rmSync(path.join(project.dir, WORK_DIR), { recursive: true, force: true });
});

const journalFile = () => path.join(project.dir, WORK_DIR, "journal", `${STACK}.jsonl`);

/** Writes journal lines as a version of the tool did, one JSON object a line. */
function writeJournal(operation: string, events: Array<string | Record<string, unknown>>): void {
  fs.mkdirSync(path.dirname(journalFile()), { recursive: true });
  const lines = events.map((e, i) => ({
    ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    runId: "earlier-run",
    stack: STACK,
    operation,
    ...(typeof e === "string" ? { event: e } : e),
  }));
  fs.writeFileSync(journalFile(), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
}

const events = () =>
  fs
    .readFileSync(journalFile(), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; runId: string });

describe("a run that saw Aiven confirm its operation, and never completed", () => {
  it.each([
    ["failover", "takeover-confirmed", "the previous version"],
    ["revert", "failback-confirmed", "the previous version"],
    ["failover", "failover-confirmed", "this version"],
    ["revert", "revert-confirmed", "this version"],
    ["switchover", "switchover-confirmed", "either version"],
  ])("is an unfinished change to status: %s with %s (%s)", (operation, confirmed) => {
    // A run that sent nothing (--state-only, or a change someone else made) and died after Aiven confirmed it.
    writeJournal(operation, ["started", confirmed]);
    expect(Journal.unfinishedChange(project.dir, STACK)).toMatchObject({ event: "started", operation });
    writeJournal(operation, ["started", confirmed, "completed"]);
    expect(Journal.unfinishedChange(project.dir, STACK)).toBeUndefined();
  });

  it("is not another operation's confirmation", () => {
    writeJournal("failover", ["started", "failback-confirmed", "revert-confirmed"]);
    expect(Journal.unfinishedChange(project.dir, STACK)).toBeUndefined();
  });

  it("shows in status as degraded, naming the command that finishes it", () => {
    writeJournal("failover", ["started", "takeover-confirmed"]);
    const pair = project.stack().pair;
    const running = (role: string) => ({
      reachable: true as const,
      service: { service_name: "x", state: "RUNNING", disaster_recovery_role: role } as never,
    });
    const report = checkPair(
      pair,
      { phase: "normal" },
      { primary: running("active"), recovery: running("passive") },
      project.dir,
    );
    expect(report.findings).toContainEqual({
      level: "degraded",
      message: expect.stringMatching(
        /^a failover run started .* did not finish after a role change at Aiven \(sent or seen\); rerun npm run failover -- --stack pg-primary$/,
      ),
    });
  });
});

describe("a failover the previous version left half-done, rerun by this one", () => {
  let sim: SimServer;
  afterEach(() => sim.stop());

  it("reads the earlier run's journal as written: no second PUT, the phase recorded, the run completed under this version's names", async () => {
    sim = new SimServer({
      token: TOKEN,
      delays: { failoverMs: 50, rebuildMs: 50, rebalanceMs: 50, switchoverMs: 50, roleLagMs: 30 },
    });
    sim.model.addPairFromManifest(project.stack().pair);
    const url = await sim.start();
    // Aiven took the trigger (the simulator plays the takeover); the earlier run confirmed it and died before Terraform and the phase file.
    sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" });
    writeJournal("failover", [
      "started",
      { event: "role-intent", side: "primary", role: "failed" },
      { event: "role-applied", side: "primary", role: "failed" },
      "takeover-confirmed",
    ]);
    const terraform = new RecordingTerraform(project.stack().workingDirectory, ALL);
    const deps: OperationDeps = {
      projectDir: project.dir,
      env: { ...process.env, AIVEN_TOKEN: TOKEN },
      client: new AivenClient({ baseUrl: url, token: TOKEN, backoffMs: 10, timeoutMs: 500 }),
      reporter: new CapturingReporter(),
      terraform: terraform.factory(),
    };
    const common: CommonOptions = {
      stack: STACK,
      dryRun: false,
      yes: true,
      timeoutMs: 10_000,
      pollIntervalMs: 20,
      lostAnswerGraceMs: 300,
    };

    const result = await failover({ ...common, primaryUnreachable: false, stateOnly: false, force: false }, deps);

    expect(result.triggered).toBe(false);
    expect(sim.apiCalls("PUT")).toEqual([]);
    expect(terraform.state).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    expect(project.phases()[STACK]).toMatchObject({ phase: "failed-over", operation: "failover" });
    const rerun = events()
      .filter((e) => e.runId !== "earlier-run")
      .map((e) => e.event);
    expect(rerun).toContain("failover-confirmed");
    expect(rerun).not.toContain("takeover-confirmed");
    expect(rerun.indexOf("completed")).toBeGreaterThan(rerun.indexOf("failover-confirmed"));
    expect(Journal.unfinishedChange(project.dir, STACK)).toBeUndefined();
  });
});
