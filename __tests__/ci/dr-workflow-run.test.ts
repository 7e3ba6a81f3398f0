import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ArtifactStore } from "../support/artifact-store";
import { fakeGitHubCli, FakeGitHubCli } from "../support/fake-github-cli";
import { ProjectFixture, REPO } from "../support/project-fixture";
import { SimulatorProcess, startSimulatorProcess } from "../support/simulator-process";
import { requireTerraform } from "../support/terraform";
import { evaluateForJob, JobRun, loadWorkflow, runJob, RunInputs, StepOutcome } from "../support/workflow-runner";

/**
 * The dr-operation workflow's jobs, run step by step on this machine as the
 * runner would run them: a checkout of a project with a seeded state, the
 * real terraform binary, the simulator in place of Aiven, a fake `gh` and a
 * local artifact store in place of GitHub. The story is one pair's: a
 * failover and its pull request, a revert that times out on a fresh
 * machine and is resumed by dispatching it again, a dry run, status, and
 * the drill. Each chapter's test runs the earlier chapters it builds on
 * (once per file), so any one of them runs alone (`-t`).
 */
const FILE = "dr-operation.yml";
const jobs = {
  prepare: loadWorkflow(FILE, "prepare"),
  operation: loadWorkflow(FILE, "operation"),
  pullRequest: loadWorkflow(FILE, "pull-request"),
  drill: loadWorkflow(FILE, "drill"),
};
const TOKEN = "tok-ci-run-4b1f09";
const STACK = "pg-primary";
const RUN_STEP = "Run the operation";
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();

let project: ProjectFixture;
let origin: string;
let sha: string;
let sim: SimulatorProcess;
let store: ArtifactStore;
let gh: FakeGitHubCli;
const runs: number[] = [];
const dispatched: Record<number, { prepare: JobRun; operation?: JobRun }> = {};

beforeAll(async () => {
  requireTerraform();
  // A checkout: the repository's code beside the project's own committed files.
  project = ProjectFixture.create();
  for (const shared of ["lib", "tools", "dist", "package.json"])
    fs.symlinkSync(path.join(REPO, shared), path.join(project.dir, shared));
  fs.writeFileSync(
    path.join(project.dir, ".gitignore"),
    ["lib", "tools", "dist", "package.json", "cdktf.out/", ".crdr/", "*.tfstate", "*.tfstate.*", "dr-*"].join("\n") +
      "\n",
  );
  await project.seedState();
  git(project.dir, "init", "--quiet", "--initial-branch=main");
  git(project.dir, "add", ".");
  git(project.dir, "commit", "--quiet", "-m", "the project");
  sha = git(project.dir, "rev-parse", "HEAD");
  origin = fs.mkdtempSync(path.join(os.tmpdir(), "origin-"));
  git(origin, "clone", "--quiet", "--bare", project.dir, ".");

  store = new ArtifactStore();
  gh = fakeGitHubCli(store);
  // production-dr as it should be set up: a reviewer must approve each real operation.
  gh.setRepository({
    environments: {
      "production-dr": {
        protection_rules: [
          { type: "required_reviewers", reviewers: [{ type: "Team", reviewer: { slug: "dr-approvers" } }] },
        ],
      },
    },
  });
  sim = await startSimulatorProcess(project.dir, { token: TOKEN, delayMs: 300, roleLagMs: 100 });
});

afterAll(async () => {
  await sim?.stop();
  gh?.remove();
  store?.remove();
  project?.remove();
  if (origin) fs.rmSync(origin, { recursive: true, force: true });
});

type Inputs = Record<string, string | boolean>;
const DEFAULT_INPUTS: Inputs = {
  operation: "",
  stack: "",
  region: "",
  project: "",
  "primary-unreachable": false,
  "state-only": false,
  "accept-data-loss": false,
  "dry-run": true,
  "allow-unapproved": false,
};
const githubFor = (run: number) => ({
  run_id: String(run),
  run_attempt: "1",
  repository: "acme/crdr",
  server_url: "https://github.example",
  sha,
  ref_name: "main",
  token: "ghs_job_token",
});
const stepEnv = (): NodeJS.ProcessEnv => ({
  PATH: `${gh.bin}:${process.env.PATH}`,
  HOME: process.env.HOME,
  TMPDIR: process.env.TMPDIR,
  CRDR_LOCK_DIR: process.env.CRDR_LOCK_DIR,
  TF_CLI_CONFIG_FILE: "/dev/null",
  AIVEN_WEB_URL: sim.url,
});
const byName = (run: JobRun) => Object.fromEntries(run.steps.map((s) => [s.name, s])) as Record<string, StepOutcome>;

/**
 * Dispatches the workflow as run `run` on a fresh machine: the prepare job,
 * then (when GitHub would run it) the operation or drill job. `faster` is
 * appended to the command's arguments to keep the test short (poll interval,
 * transition times), in place of the prepare job's value of the same flag
 * (the command refuses a flag given two values).
 */
/** `args` followed by `extra`, leaving out each flag of `args` (and its value) that `extra` gives again. */
function overriding(args: string, extra: string): string {
  const given = new Set(extra.split(/\s+/).filter((word) => word.startsWith("--")));
  const kept: string[] = [];
  const words = args.split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    if (!given.has(words[i])) kept.push(words[i]);
    else if (words[i + 1] !== undefined && !words[i + 1].startsWith("--")) i++;
  }
  return [...kept, extra].join(" ").trim();
}

function dispatch(
  run: number,
  inputs: Inputs,
  faster: string,
): { prepare: JobRun; operation?: JobRun; drill?: JobRun } {
  runs.unshift(run);
  gh.setRuns(runs);
  fs.rmSync(path.join(project.dir, ".crdr"), { recursive: true, force: true });
  for (const left of ["dr-report", "dr-output.txt", "dr-stderr.txt", "drill-output.txt"])
    fs.rmSync(path.join(project.dir, left), { recursive: true, force: true });
  const all = { ...DEFAULT_INPUTS, ...inputs };
  const prepare = runJob(jobs.prepare, {
    cwd: project.dir,
    inputs: { secrets: {}, github: githubFor(run), inputs: all },
    env: { PATH: `${gh.bin}:${process.env.PATH}` },
  });
  const needs = { prepare: { outputs: { ...prepare.outputs, args: overriding(prepare.outputs.args, faster) } } };
  const context: RunInputs = { secrets: { AIVEN_TOKEN: TOKEN }, vars: {}, github: githubFor(run), inputs: all, needs };
  const options = {
    cwd: project.dir,
    inputs: context,
    env: stepEnv(),
    prepared: ["Install", "Synthesize"],
    actions: store.actions(run),
  };
  const result: { prepare: JobRun; operation?: JobRun; drill?: JobRun } = { prepare };
  if (evaluateForJob(`\${{ ${jobs.operation.job.if} }}`, context)) result.operation = runJob(jobs.operation, options);
  if (evaluateForJob(`\${{ ${jobs.drill.job.if} }}`, context)) result.drill = runJob(jobs.drill, options);
  dispatched[run] = result;
  return result;
}

/** Runs the pull-request job for run `run` in a fresh checkout of the commit the operation ran on, if GitHub would run it. */
function pullRequestJob(run: number, checkout: string): JobRun | undefined {
  const { prepare, operation } = dispatched[run];
  const context: RunInputs = {
    secrets: {},
    github: githubFor(run),
    inputs: {},
    needs: { prepare: { outputs: prepare.outputs }, operation: { outputs: operation!.outputs } },
  };
  if (!evaluateForJob(`\${{ ${jobs.pullRequest.job.if} }}`, context)) return undefined;
  return runJob(jobs.pullRequest, {
    cwd: checkout,
    inputs: context,
    env: { PATH: `${gh.bin}:${process.env.PATH}`, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR },
    actions: store.actions(run),
  });
}

async function setRebuildMs(rebuildMs: number): Promise<void> {
  const answer = await fetch(`${sim.url}/_sim/delays`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Connection: "close" },
    body: JSON.stringify({ rebuildMs }),
  });
  expect(answer.status).toBe(200);
}

/** Runs `step` the first time it is asked for, and hands back its result after that. */
function once<T>(step: () => T): () => T {
  let result: { value: T } | undefined;
  return () => (result ??= { value: step() }).value;
}

/** The story's chapters that later ones build on. */
const story = {
  failover: once(() =>
    dispatch(101, { operation: "failover", stack: STACK, "dry-run": false }, "--poll-interval 200ms"),
  ),
  /** The failover's phase-file pull request is merged: later dispatches check out the failed-over phase. */
  merged: once(() => {
    story.failover();
    git(project.dir, "add", "crdr-phases");
    git(project.dir, "commit", "--quiet", "-m", "Merge the phase-file pull request");
    sha = git(project.dir, "rev-parse", "HEAD");
  }),
  /** A revert whose rebuild outlasts the shortest wait the command accepts (one poll), however busy the machine. */
  timedOutRevert: once(async () => {
    story.merged();
    await setRebuildMs(5000);
    const run = dispatch(
      102,
      { operation: "revert", stack: STACK, "dry-run": false },
      "--poll-interval 100ms --timeout 100ms",
    );
    // Later transitions take the file's usual time again (the rebuild under way keeps its end).
    await setRebuildMs(300);
    return run;
  }),
  /** The scheduled drill, on the pair as the file seeds it. */
  drill: once(() => dispatch(106, {}, "--transition-ms 50")),
  /** A drill of a stack that does not exist, after the scheduled one. */
  failedDrill: once(() => {
    story.drill();
    return dispatch(107, { operation: "drill", stack: "pg-nowhere" }, "--transition-ms 50");
  }),
};

const journalLines = (run: number) =>
  store
    .read(run, "crdr-journal", `${STACK}.jsonl`)
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("the dr-operation workflow, run against the simulator", () => {
  it("a failover: approved environment, the operation's log readable, the summary, the journal uploaded, the phase change collected", async () => {
    const { prepare, operation } = story.failover();
    expect(prepare.outputs).toMatchObject({ environment: "production-dr", lock: "crdr-dr-stack-pg-primary" });
    const steps = byName(operation!);
    expect(steps[RUN_STEP]).toMatchObject({ outcome: "success", code: 0 });
    expect(steps["Restore the journals of earlier runs"].output).toContain("No earlier journals to restore.");

    // The log reads like a terminal; the events went to a file.
    const log = steps[RUN_STEP].output!;
    expect(log).toContain(
      '▶ request: PUT /v1/project/crdr-test/service/pg-primary {"disaster_recovery_role":"failed"}',
    );
    expect(log).toContain("✔ pg-primary is failed over: pg-primary-dr is active.");
    expect(log).not.toContain('{"ts"');
    expect(log).not.toContain(TOKEN);

    expect(operation!.summary).toMatch(/^## ✅ failover of stack `pg-primary`: done\n/);
    expect(operation!.summary).toContain("| primary | pg-primary | RUNNING/active | POWEROFF/failed |");
    expect(operation!.summary).toContain("| recovery | pg-primary-dr | RUNNING/passive | RUNNING/active |");
    expect(operation!.summary).toContain(
      "| reconcile | making Terraform forget aiven_service_integration.disaster_recovery |",
    );
    expect(operation!.summary).toContain("```mermaid\ngantt\n");
    expect(operation!.summary).toContain("[workflow run](https://github.example/acme/crdr/actions/runs/101)");

    expect(store.files(101, "crdr-journal")).toEqual([`${STACK}.jsonl`]);
    expect(journalLines(101).map((e) => e.event)).toEqual(
      expect.arrayContaining([
        "started",
        "role-intent",
        "role-applied",
        "state-removed",
        "phase-recorded",
        "completed",
        "timeline",
      ]),
    );
    expect(operation!.outputs).toEqual({ "phase-changed": "true" });
    expect(store.files(101, "dr-phase-change")).toEqual([
      "commit-message.txt",
      "phase-change/crdr-phases/pg-primary.json",
      "phase-changes.txt",
      "phase-paths.txt",
      "pull-request-title.txt",
      "pull-request.md",
      "summary.md",
    ]);
    expect(store.read(101, "dr-phase-change", "phase-changes.txt")).toBe("crdr-phases/pg-primary.json\n");
    expect(await sim.roleChanges()).toEqual(["pg-primary failed"]);
  });

  it("the pull request: a branch with one commit of the phase file and nothing else, a message and a body holding the summary and the next step", () => {
    story.failover();
    const checkout = fs.mkdtempSync(path.join(os.tmpdir(), "checkout-"));
    try {
      git(checkout, "clone", "--quiet", origin, ".");
      git(checkout, "checkout", "--quiet", "--detach", sha);
      fs.symlinkSync(path.join(REPO, "lib"), path.join(checkout, "lib"));
      fs.appendFileSync(path.join(checkout, ".git", "info", "exclude"), "lib\n");
      // Other changes in the checkout must stay out of the commit.
      fs.appendFileSync(path.join(checkout, "cdktf.json"), "\n");
      fs.writeFileSync(path.join(checkout, "notes.txt"), "not for the pull request\n");

      const job = pullRequestJob(101, checkout)!;
      expect(job.steps.map((s) => s.outcome)).toEqual(["success", "success", "success"]);
      const branch = "crdr/failover-pg-primary-101-1";
      expect(dispatched[101].prepare.outputs.branch).toBe(branch);

      // On the remote: one commit on top of the one the operation ran on, adding the pair's phase file only.
      expect(git(origin, "rev-list", "--count", `${sha}..${branch}`)).toBe("1");
      expect(git(origin, "diff", "--name-status", sha, branch)).toBe("A\tcrdr-phases/pg-primary.json");
      const committed = git(origin, "show", `${branch}:crdr-phases/pg-primary.json`);
      expect(JSON.parse(committed)).toMatchObject({ version: 1, phase: "failed-over", operation: "failover" });
      expect(committed).toBe(fs.readFileSync(project.phaseFile(), "utf8").trim());

      const message = git(origin, "log", "-1", "--format=%B", branch);
      expect(message.split("\n")[0]).toBe("DR failover of stack pg-primary: record the phase");
      expect(message).toContain("pg-primary is failed over: pg-primary-dr is active.");
      expect(message).toMatch(/Timeline: to trigger \d[\dhms]*, Aiven \d[\dhms]*/);
      expect(git(origin, "log", "-1", "--format=%an <%ae>", branch)).toBe(
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
      );

      const [pr] = gh.pullRequests();
      expect(pr.args).toEqual([
        "pr",
        "create",
        "--repo",
        "acme/crdr",
        "--base",
        "main",
        "--head",
        branch,
        "--title",
        "DR failover of stack pg-primary: record the phase",
        "--body-file",
        "dr-report/pull-request.md",
      ]);
      expect(pr.body).toContain("### ✅ failover of stack `pg-primary`: done");
      expect(pr.body).toContain("While the old primary region is unreachable, plan with `-refresh=false`");
      expect(pr.body).toContain("revert with: dispatch **DR operation** with operation `revert`, stack `pg-primary`");
      expect(job.summary).toBe("### The phase-file pull request: https://github.example/acme/crdr/pull/101\n");
    } finally {
      fs.rmSync(checkout, { recursive: true, force: true });
    }
    story.merged();
  });

  it("a revert that times out, on a fresh machine: the earlier journal restored, where each peer stands and how to resume, and no pull request", async () => {
    const { prepare, operation } = await story.timedOutRevert();
    // The prepare job caps a revert's waits for CI; the test's shorter --timeout replaces the cap.
    expect(prepare.outputs.args).toBe("--stack pg-primary --timeout 150m");
    const steps = byName(operation!);
    expect(steps["Restore the journals of earlier runs"].output).toContain(`Restored ${STACK}.jsonl from run 101`);
    expect(steps[RUN_STEP]).toMatchObject({ outcome: "failure", code: 3 });
    expect(steps[RUN_STEP].output).toContain(
      "::error::npm run revert exited 3; the job summary says what happened and what to do next.",
    );
    for (const later of ["Write the summary", "Collect the phase-file change", "Upload the journal"])
      expect(steps[later].outcome).toBe("success");
    expect(steps["Upload the phase-file change"].outcome).toBe("skipped");

    expect(operation!.summary).toMatch(
      /^## ⏱️ revert of stack `pg-primary`: timed out \(exit 3\)\n\n> Aiven has begun recreating pg-primary/,
    );
    expect(operation!.summary).toMatch(/\| primary \| pg-primary \| POWEROFF\/failed \| REBUILDING\/\w+ \|/);
    // The command as it ran: the prepare job's arguments, the test's in place of its --timeout.
    expect(operation!.summary).toContain(
      "| `npm run revert -- --stack pg-primary --poll-interval 100ms --timeout 100ms --yes --json` |",
    );
    expect(operation!.summary).toContain(
      "**To resume:** dispatch the DR operation workflow again with the same inputs (operation `revert`, stack `pg-primary`, dry-run **off**).",
    );
    expect(operation!.outputs).toEqual({ "phase-changed": "false" });
    expect(pullRequestJob(102, project.dir)).toBeUndefined();

    // The journal it uploads is the restored one, then this run's events.
    const restored = journalLines(101);
    const uploaded = journalLines(102);
    expect(uploaded.slice(0, restored.length)).toEqual(restored);
    expect(
      uploaded
        .slice(restored.length)
        .filter((e) => e.event === "role-applied")
        .map((e) => `${e.side} ${e.role}`),
    ).toEqual(["primary passive"]);
    expect(await sim.roleChanges()).toEqual(["pg-primary failed", "pg-primary passive"]);
  });

  it("dispatching the same operation again resumes it on another fresh machine: it never sends the rebuild twice, finishes, and has its pull request", async () => {
    await story.timedOutRevert();
    const { operation } = dispatch(
      103,
      { operation: "revert", stack: STACK, "dry-run": false },
      "--poll-interval 100ms",
    );
    const steps = byName(operation!);
    expect(steps["Restore the journals of earlier runs"].output).toContain(`Restored ${STACK}.jsonl from run 102`);
    expect(steps[RUN_STEP]).toMatchObject({ outcome: "success", code: 0 });
    expect(await sim.roleChanges()).toEqual(["pg-primary failed", "pg-primary passive", "pg-primary active"]);
    expect(operation!.summary).toMatch(/^## ✅ revert of stack `pg-primary`: done\n/);
    expect(operation!.summary).toMatch(
      /\| primary \| pg-primary \| (REBUILDING|RUNNING)\/passive \| RUNNING\/active \|/,
    );
    expect(operation!.summary).toContain("| recreate | skipped: the journal shows Aiven took it |");
    expect(operation!.outputs).toEqual({ "phase-changed": "true" });
    expect(store.read(103, "dr-phase-change", "phase-changes.txt")).toBe("crdr-phases/pg-primary.json\n");
    expect(JSON.parse(store.read(103, "dr-phase-change", "phase-change/crdr-phases/pg-primary.json"))).toMatchObject({
      phase: "normal",
      operation: "revert",
    });
  });

  it("a dry run, without approval: nothing sent, nothing recorded, no pull request", async () => {
    const sentBefore = (await sim.roleChanges()).length;
    const { prepare, operation } = dispatch(104, { operation: "switchover", stack: STACK, "dry-run": true }, "");
    expect(prepare.outputs).toMatchObject({
      environment: "production-dr-read-only",
      args: "--stack pg-primary --dry-run",
    });
    expect(byName(operation!)[RUN_STEP]).toMatchObject({ outcome: "success", code: 0 });
    expect(operation!.summary).toMatch(
      /^## 🧪 dry run of switchover of stack `pg-primary`: dry run, nothing was changed\n/,
    );
    expect(operation!.outputs).toEqual({ "phase-changed": "false" });
    expect(store.files(104, "dr-phase-change")).toBeUndefined();
    expect(await sim.roleChanges()).toHaveLength(sentBefore);
  });

  it("status, read-only: the pair's peers and phase in the summary", () => {
    const { prepare, operation } = dispatch(105, { operation: "status", stack: STACK }, "");
    expect(prepare.outputs.environment).toBe("production-dr-read-only");
    expect(byName(operation!)[RUN_STEP]).toMatchObject({ outcome: "success", code: 0 });
    expect(operation!.summary).toMatch(/^## ✅ healthy: status of stack `pg-primary` \(1 pair\(s\)\)\n/);
    expect(operation!.summary).toContain("| pg-primary | normal | pg-primary: RUNNING/active in google-europe-west1 |");
  });

  it("the drill, as the schedule runs it: passed, in the summary", () => {
    const { operation, drill } = story.drill();
    expect(operation).toBeUndefined();
    const steps = byName(drill!);
    expect(steps["Run the drill"]).toMatchObject({ outcome: "success", code: 0 });
    expect(drill!.summary).toMatch(/^## ✅ CRDR drill passed: 8 step\(s\)\n/);
    expect(store.files(106, "crdr-drill-journal")).toEqual([`${STACK}.jsonl`]);
  });

  it("a drill that fails shows in the summary, and fails the job", () => {
    const { drill } = story.failedDrill();
    const steps = byName(drill!);
    expect(steps["Run the drill"].outcome).toBe("failure");
    expect(steps["Write the summary"].outcome).toBe("success");
    expect(drill!.summary).toMatch(/^## 🛑 CRDR drill could not run \(exit \d+\)\n/);
    expect(drill!.summary).toContain("pg-nowhere");
    // The journal of the earlier drill is carried on, also by a drill that failed.
    expect(store.read(107, "crdr-drill-journal", `${STACK}.jsonl`)).toBe(
      store.read(106, "crdr-drill-journal", `${STACK}.jsonl`),
    );
  });

  it("the next drill, on a fresh machine, appends its journal to the earlier drills'", () => {
    story.failedDrill();
    const { drill } = dispatch(108, {}, "--transition-ms 50");
    expect(byName(drill!)["Restore the journals of earlier drills"].output).toContain(
      `Restored ${STACK}.jsonl from run 107`,
    );
    const before = store.read(106, "crdr-drill-journal", `${STACK}.jsonl`);
    const after = store.read(108, "crdr-drill-journal", `${STACK}.jsonl`);
    expect(after.startsWith(before)).toBe(true);
    const added = after
      .slice(before.length)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(added.length).toBeGreaterThan(0);
    expect(new Set(added.map((e) => e.runId)).size).toBeGreaterThanOrEqual(1);
    expect(added.some((e) => before.includes(e.runId))).toBe(false);
  });
});
