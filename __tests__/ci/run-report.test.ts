import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { drill } from "../../lib/drill/drill";
import { realTerraform } from "../../lib/terraform/terraform-factory";
import { PULL_REQUEST_MARKER } from "../../lib/ci/phase-pull-request";
import { REPORT_FILES, writeRunReport } from "../../lib/ci/run-report";
import { SimServer } from "../../lib/simulator/sim-server";
import { ProjectFixture, runScript } from "../support/project-fixture";
import { requireTerraform } from "../support/terraform";

/**
 * The report the workflow writes after a run (scripts/dr-report), from what
 * the commands really print: the compiled status and failover scripts run
 * against the simulator, the drill in this process.
 */
const TOKEN = "tok-report-2e9a41";
let project: ProjectFixture;
let sim: SimServer;
let env: NodeJS.ProcessEnv;
let work: string;

beforeAll(async () => {
  requireTerraform();
  project = ProjectFixture.create();
  await project.seedState();
});
afterAll(() => project.remove());

beforeEach(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "dr-report-"));
  project.clearPhases();
  project.synth();
  sim = new SimServer({
    token: TOKEN,
    delays: { failoverMs: 100, rebuildMs: 100, rebalanceMs: 100, switchoverMs: 100, roleLagMs: 50 },
  });
  sim.model.addPairFromManifest(project.stack().pair);
  env = { AIVEN_WEB_URL: await sim.start(), AIVEN_TOKEN: TOKEN };
});
afterEach(async () => {
  await sim.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const save = (name: string, text: string) => {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
};
const read = (name: string) => fs.readFileSync(path.join(work, "report", name), "utf8");
const written = () => fs.readdirSync(path.join(work, "report")).sort();

describe("the report of a status run", () => {
  it("tables each pair's peers, link and phase, with its verdict", async () => {
    const run = await runScript(project, "status", ["--stack", "pg-primary", "--json"], env);
    expect(run.code).toBe(0);
    writeRunReport({
      dispatch: { operation: "status", stack: "pg-primary", dryRun: false },
      outputFile: save("status.json", run.stdout),
      exitCode: 0,
      outDir: path.join(work, "report"),
      projectDir: project.dir,
      env: process.env,
    });
    expect(written()).toEqual([REPORT_FILES.summary]);
    expect(read(REPORT_FILES.summary)).toBe(
      [
        "## ✅ healthy: status of stack `pg-primary` (1 pair(s))",
        "",
        "| pair | phase | primary | recovery | DR link | verdict |",
        "|---|---|---|---|---|---|",
        "| pg-primary | normal | pg-primary: RUNNING/active in google-europe-west1 | pg-primary-dr: RUNNING/passive in google-europe-north1 | pg-primary → pg-primary-dr, active, enabled | ✅ healthy |",
        "",
      ].join("\n"),
    );
  });

  it("shows drift with its findings", async () => {
    sim.model.updateService("crdr-test", "pg-primary-dr", { disaster_recovery_role: "active" });
    const run = await runScript(project, "status", ["--stack", "pg-primary", "--json"], env);
    expect(run.code).toBe(5);
    writeRunReport({
      dispatch: { operation: "status", stack: "pg-primary", dryRun: false },
      outputFile: save("status.json", run.stdout),
      exitCode: 5,
      outDir: path.join(work, "report"),
      projectDir: project.dir,
      env: process.env,
    });
    const summary = read(REPORT_FILES.summary);
    expect(summary).toMatch(/^## 🛑 drifted: status of stack `pg-primary`/);
    expect(summary).toContain(
      '- 🛑 drift: phase "normal" expects recovery pg-primary-dr to be passive, but Aiven says active',
    );
  });

  it("says why status could not run", async () => {
    const run = await runScript(project, "status", ["--stack", "pg-nowhere", "--json"], env);
    expect(run.code).toBe(2);
    writeRunReport({
      dispatch: { operation: "status", stack: "pg-nowhere", dryRun: false },
      outputFile: save("status.json", run.stdout),
      stderrFile: save("stderr.txt", run.stderr),
      exitCode: 2,
      outDir: path.join(work, "report"),
      projectDir: project.dir,
      env: process.env,
    });
    expect(read(REPORT_FILES.summary)).toMatch(
      /^## ⛔ status of stack `pg-nowhere`: could not run \(exit 2\)\n\n> .*pg-nowhere/,
    );
  });
});

describe("the report of an operation", () => {
  const failoverArgs = ["--stack", "pg-primary", "--yes", "--json", "--poll-interval", "100ms"];

  it("writes the summary and the phase-file pull request: a title, a body holding the summary and the next step, a commit message holding the tool's summary", async () => {
    const run = await runScript(project, "failover", failoverArgs, env);
    expect(run.code).toBe(0);
    writeRunReport({
      dispatch: { operation: "failover", stack: "pg-primary", dryRun: false },
      outputFile: save("events.ndjson", run.stdout),
      stderrFile: save("stderr.txt", run.stderr),
      exitCode: 0,
      runUrl: "https://github.example/acme/crdr/actions/runs/42",
      outDir: path.join(work, "report"),
      projectDir: project.dir,
      env: process.env,
    });
    expect(written()).toEqual(Object.values(REPORT_FILES).sort());
    // The pull request may commit the pair's own file, or the old single file of a project not migrated yet.
    expect(read(REPORT_FILES.phasePaths)).toBe("crdr-phases/pg-primary.json\ncrdr-phases.json\n");
    expect(read(REPORT_FILES.pullRequestTitle)).toBe("DR failover of stack pg-primary: record the phase\n");

    const body = read(REPORT_FILES.pullRequestBody);
    expect(
      body.startsWith(
        `${PULL_REQUEST_MARKER}\nThe **DR operation** workflow ran the failover of stack \`pg-primary\` ([workflow run](https://github.example/acme/crdr/actions/runs/42)) and recorded the new DR phase in \`crdr-phases/pg-primary.json\`.`,
      ),
    ).toBe(true);
    expect(body).toContain("### ✅ failover of stack `pg-primary`: done");
    expect(body).toContain("#### Next step");
    expect(body).toContain("While the old primary region is unreachable, plan with `-refresh=false`");
    expect(body).toContain("revert with: dispatch **DR operation** with operation `revert`, stack `pg-primary`");
    expect(body).toContain("```mermaid\ngantt");

    const message = read(REPORT_FILES.commitMessage);
    expect(message.split("\n").slice(0, 3)).toEqual([
      "DR failover of stack pg-primary: record the phase",
      "",
      "failover of stack pg-primary: done.",
    ]);
    expect(message).toContain("pg-primary is failed over: pg-primary-dr is active.");
    expect(message).toMatch(
      /Timeline: to trigger \d[\dhms]*, Aiven \d[\dhms]*, reconcile \d[\dhms]*, record and synth \d[\dhms]*/,
    );
    expect(message).toContain("Run: https://github.example/acme/crdr/actions/runs/42");
    expect(message).not.toContain("`");
  });

  it("names the pair's phase file in the folder the project keeps (CRDR_PHASE_DIR), and the whole folder for a region run", async () => {
    const env = { ...process.env, CRDR_PHASE_DIR: "dr/phases" };
    const dispatch = { operation: "switchover", stack: "pg-primary", dryRun: false } as const;
    writeRunReport({
      dispatch,
      outputFile: save("events.ndjson", ""),
      exitCode: 2,
      outDir: path.join(work, "report"),
      projectDir: project.dir,
      env,
    });
    expect(read(REPORT_FILES.phasePaths)).toBe("dr/phases/pg-primary.json\ndr/phases.json\n");
    expect(read(REPORT_FILES.pullRequestBody)).toContain(
      "recorded the new DR phase in `dr/phases/pg-primary.json`. This pull request commits that file and nothing else",
    );
    const region = { operation: "failover", region: "google-europe-west1", dryRun: false } as const;
    writeRunReport({
      dispatch: region,
      outputFile: save("events.ndjson", ""),
      exitCode: 2,
      outDir: path.join(work, "report"),
      projectDir: project.dir,
      env,
    });
    expect(read(REPORT_FILES.phasePaths)).toBe("dr/phases\ndr/phases.json\n");
    expect(read(REPORT_FILES.pullRequestBody)).toContain(
      "recorded the new DR phase in `dr/phases/`. This pull request commits the phase files the run changed and nothing else",
    );
  });

  it("refuses the old single-file setting (CRDR_PHASE_FILE) with what to set instead", () => {
    const dispatch = { operation: "switchover", stack: "pg-primary", dryRun: false } as const;
    expect(() =>
      writeRunReport({
        dispatch,
        outputFile: save("events.ndjson", ""),
        exitCode: 2,
        outDir: path.join(work, "report"),
        projectDir: project.dir,
        env: { ...process.env, CRDR_PHASE_FILE: "dr/phases.json" },
      }),
    ).toThrow(
      'CRDR_PHASE_FILE ("dr/phases.json") is no longer read, since each pair\'s phase is a file of its own in a folder; remove it and set CRDR_PHASE_DIR (or context "phaseDir") to "dr/phases", where dr/phases.json is still read until npm run phase-migrate moves it into that folder.',
    );
  });

  it("a dry run has no pull request", async () => {
    const run = await runScript(project, "failover", [...failoverArgs, "--dry-run"], env);
    expect(run.code).toBe(0);
    writeRunReport({
      dispatch: { operation: "failover", stack: "pg-primary", dryRun: true },
      outputFile: save("events.ndjson", run.stdout),
      exitCode: 0,
      outDir: path.join(work, "report"),
      projectDir: project.dir,
      env: process.env,
    });
    expect(written()).toEqual([REPORT_FILES.summary]);
  });

  it("an operation that never ran (a step before it failed) says so", () => {
    writeRunReport({
      dispatch: { operation: "failover", stack: "pg-primary", dryRun: false },
      outputFile: path.join(work, "missing.ndjson"),
      outDir: path.join(work, "report"),
      projectDir: project.dir,
      env: process.env,
    });
    expect(read(REPORT_FILES.summary)).toMatch(
      /^## ⛔ failover of stack `pg-primary`: did not run\n[\s\S]*A step before the operation failed \(see the run's log\); nothing was sent to Aiven\./,
    );
  });
});

describe("the report of a drill", () => {
  it("passed: every step with its duration and recovery-time figures, the output folded away", async () => {
    const lines: string[] = [];
    const report = await drill(
      { transitionMs: 50 },
      {
        projectDir: project.dir,
        env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" },
        progress: (line) => lines.push(line),
        terraform: realTerraform,
      },
    );
    expect(report.passed).toBe(true);
    writeRunReport({
      dispatch: { operation: "drill", dryRun: false },
      outputFile: save("drill.txt", lines.join("\n")),
      exitCode: 0,
      outDir: path.join(work, "report"),
      projectDir: project.dir,
      env: process.env,
    });
    const summary = read(REPORT_FILES.summary);
    expect(summary).toMatch(/^## ✅ CRDR drill passed: 8 step\(s\)\n/);
    const table = summary.split("\n").filter((l) => l.startsWith("| ✅"));
    expect(table.map((l) => l.split(" | ")[2])).toEqual(report.steps.map((s) => s.name));
    expect(table[0]).toMatch(
      /^\| ✅ \| pg-primary \| failover \| \d[\dhms]* \| to trigger \d[\dhms]*, Aiven \d[\dhms]*, reconcile \d[\dhms]*, record and synth \d[\dhms]* \(total \d[\dhms]*\) \|$/,
    );
    expect(summary).toContain("apply the revert's imports (simulated with state push)");
    expect(summary).toContain("<details><summary>The drill's output</summary>");
  });

  it("failed: the failed steps and their failures first, the output open", () => {
    // The drill's own line format, with a step that failed its check.
    const output = [
      "✔ pg-primary: failover (3s; to trigger 1s, Aiven 1s, reconcile 50ms, record and synth 300ms (total 3s))",
      "✖ pg-primary: status (12ms)",
      '    - status is drifted: phase "failed-over" expects primary pg-primary to be failed, but Aiven says active',
      "",
      "1 passed, 1 failed (3s)",
    ].join("\n");
    writeRunReport({
      dispatch: { operation: "drill", dryRun: false },
      outputFile: save("drill.txt", output),
      exitCode: 3,
      outDir: path.join(work, "report"),
      projectDir: project.dir,
      env: process.env,
    });
    const summary = read(REPORT_FILES.summary);
    expect(summary).toMatch(
      /^## 🛑 CRDR drill failed: 1 of 2 step\(s\) failed \(exit 3\)\n\n\*\*Failed:\*\*\n- pg-primary: status\n {2}- status is drifted: phase "failed-over" expects/,
    );
    expect(summary).toContain("<details open><summary>The drill's output</summary>");
  });

  it("could not run: says so, with what it printed", async () => {
    const run = await runScript(project, "drill", ["--stack", "pg-nowhere", "--transition-ms", "50"], {});
    expect(run.code).not.toBe(0);
    writeRunReport({
      dispatch: { operation: "drill", dryRun: false },
      outputFile: save("drill.txt", run.stdout + run.stderr),
      exitCode: run.code!,
      outDir: path.join(work, "report"),
      projectDir: project.dir,
      env: process.env,
    });
    const summary = read(REPORT_FILES.summary);
    expect(summary).toMatch(new RegExp(`^## 🛑 CRDR drill could not run \\(exit ${run.code}\\)\\n`));
    expect(summary).toContain("pg-nowhere");
  });
});
