import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { actionlint } from "../support/actionlint";
import { ArtifactStore } from "../support/artifact-store";
import { fakeGitHubCli, FakeGitHubCli } from "../support/fake-github-cli";
import { REPO } from "../support/project-fixture";
import { evaluateForJob, loadWorkflow, runJob, RunInputs, step, Workflow } from "../support/workflow-runner";

/**
 * The dr-operation workflow as written: what an on-call engineer checks by
 * reading it (approval, lock, secrets, permissions), checked by actionlint,
 * and its prepare job run for each kind of dispatch.
 */
const FILE = "dr-operation.yml";
const prepare = loadWorkflow(FILE, "prepare");
const operation = loadWorkflow(FILE, "operation");
const pullRequest = loadWorkflow(FILE, "pull-request");
const drillJob = loadWorkflow(FILE, "drill");
const { doc, text } = operation;
const RUN_STEP = "Run the operation";
const GITHUB = {
  run_id: "42",
  run_attempt: "1",
  repository: "acme/crdr",
  server_url: "https://github.example",
  sha: "abc123",
  ref_name: "main",
  token: "ghs_token",
};

const secretsIn = (value: unknown) => JSON.stringify(value ?? {}).match(/secrets\.[A-Za-z_]+/g) ?? [];

describe("the dr-operation workflow, as written", () => {
  it("passes actionlint", () => {
    expect(actionlint(text)).toEqual([]);
  });

  it("fails actionlint when broken, so the check above can fail", () => {
    const broken = text.replace(
      "if: needs.prepare.outputs.job == 'operation'",
      "if: needs.nowhere.outputs.job == 'operation'",
    );
    expect(actionlint(broken).map((e) => e.kind)).toContain("expression");
  });

  it("has shell steps bash accepts, in the workflow and in lib/ci", () => {
    for (const job of [prepare, operation, pullRequest, drillJob]) {
      for (const s of job.job.steps.filter((s) => s.run))
        expect(spawnSync("bash", ["-n", "-c", s.run!], { encoding: "utf8" }).stderr).toBe("");
    }
    const scripts = fs.readdirSync(path.join(REPO, "lib", "ci")).filter((f) => f.endsWith(".sh"));
    expect(scripts.length).toBeGreaterThanOrEqual(5);
    for (const f of scripts)
      expect(spawnSync("bash", ["-n", path.join(REPO, "lib", "ci", f)], { encoding: "utf8" }).status).toBe(0);
  });

  it("is dispatched by hand with the operation, a stack or a region (and a project), primary-unreachable, state-only, accept-data-loss off by default, dry-run on by default, and allow-unapproved off", () => {
    const inputs = doc.on.workflow_dispatch.inputs;
    expect(Object.keys(inputs)).toEqual([
      "operation",
      "stack",
      "region",
      "project",
      "primary-unreachable",
      "state-only",
      "accept-data-loss",
      "dry-run",
      "allow-unapproved",
    ]);
    expect(inputs.project).toMatchObject({ type: "string", required: false });
    expect(inputs["accept-data-loss"]).toMatchObject({ type: "boolean", default: false });
    expect(inputs["allow-unapproved"]).toMatchObject({ type: "boolean", default: false });
    expect(inputs.operation).toMatchObject({
      type: "choice",
      required: true,
      options: ["failover", "revert", "switchover", "switchback", "status", "drill"],
    });
    expect(inputs.stack.type).toBe("string");
    expect(inputs.region.type).toBe("string");
    expect(inputs["primary-unreachable"]).toMatchObject({ type: "boolean", default: false });
    expect(inputs["state-only"]).toMatchObject({ type: "boolean", default: false });
    expect(inputs["dry-run"]).toMatchObject({ type: "boolean", default: true });
  });

  it("runs the drill weekly on a schedule", () => {
    expect(doc.on.schedule).toHaveLength(1);
    const fields = doc.on.schedule[0].cron.split(" ");
    expect(fields).toHaveLength(5);
    // Minute, hour and day of week fixed; any day of month and month.
    expect(fields.slice(2, 4)).toEqual(["*", "*"]);
    expect(fields[4]).toMatch(/^[0-6]$/);
  });

  it("gives the Aiven token and the backend credentials to the step that runs the operation, and to nothing else", () => {
    const aivenAndBackend = [
      "secrets.AIVEN_TOKEN",
      "secrets.AWS_ACCESS_KEY_ID",
      "secrets.AWS_SECRET_ACCESS_KEY",
      "secrets.GOOGLE_CREDENTIALS",
      "secrets.TF_TOKEN_app_terraform_io",
    ];
    expect(secretsIn(step(operation, RUN_STEP).env).sort()).toEqual([...aivenAndBackend].sort());
    for (const job of [prepare, operation, pullRequest, drillJob]) {
      expect(secretsIn(job.job.env)).toEqual([]);
      const others = job.job.steps.filter((s) => s.name !== RUN_STEP);
      expect(others.flatMap((s) => secretsIn(s)).filter((s) => aivenAndBackend.includes(s))).toEqual([]);
    }
    // The drill runs against the local simulator: no secrets at all.
    expect(secretsIn(drillJob.job)).toEqual([]);
    // The only other secret is the optional token that opens the pull request, in the job that opens it.
    expect([...new Set(secretsIn(doc.jobs))].filter((s) => !aivenAndBackend.includes(s))).toEqual([
      "secrets.CRDR_PR_TOKEN",
    ]);
    expect(secretsIn(prepare.job)).toEqual([]);
  });

  it("keeps the checkout's credentials out of every job that does not push", () => {
    for (const job of [prepare, operation, drillJob]) {
      expect(job.job.steps.find((s) => s.uses?.startsWith("actions/checkout"))?.with).toMatchObject({
        "persist-credentials": false,
      });
    }
  });

  it("grants no permissions by default and each job only what it needs; only the pull-request job may write", () => {
    expect(doc.permissions).toEqual({});
    expect(prepare.job.permissions).toEqual({ contents: "read", actions: "read", "pull-requests": "read" });
    expect(operation.job.permissions).toEqual({ contents: "read", actions: "read" });
    expect(pullRequest.job.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    expect(drillJob.job.permissions).toEqual({ contents: "read", actions: "read" });
  });

  it("bounds every job's time, pins every action by commit with its version in a comment (the Node 24 majors), and caches nothing beside production secrets", () => {
    for (const job of [prepare, operation, pullRequest, drillJob])
      expect((job.job as { "timeout-minutes"?: number })["timeout-minutes"]).toBeGreaterThan(0);
    const uses = [...text.matchAll(/uses: (\S+)(.*)/g)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, comment] of uses) {
      expect(ref).toMatch(/^[a-z-]+\/[a-z-]+@[0-9a-f]{40}$/);
      expect(comment).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
    // The same pin for the same action in both workflows.
    const planReviewText = loadWorkflow("plan-review.yml", "plan").text;
    for (const [, ref] of uses)
      expect(
        planReviewText.includes(ref) ||
          ref.startsWith("actions/download-artifact") ||
          ref.startsWith("actions/upload-artifact"),
      ).toBe(true);
    const setupNode = operation.job.steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with;
    expect(setupNode).toMatchObject({ "package-manager-cache": false });
    expect(setupNode?.cache).toBeUndefined();
  });

  it("documents that the journals' retention-days is capped by the repository's or organisation's setting", () => {
    for (const name of ["crdr-journal", "crdr-drill-journal"]) {
      const at = text.indexOf(`name: ${name}\n`);
      expect(at).toBeGreaterThan(0);
      expect(text.slice(text.lastIndexOf("- name:", at) - 300, at)).toMatch(
        /retention-days is capped by the repository's \(or organisation's\)\s+# artifact retention setting/,
      );
    }
  });

  it("runs on Node 22 with the Terraform the plan-review workflow uses, unwrapped", () => {
    const planReview = loadWorkflow("plan-review.yml", "plan");
    const terraformOf = (w: Workflow) => w.job.steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform"))?.with;
    for (const job of [operation, drillJob]) {
      expect(job.job.steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with).toMatchObject({
        "node-version": 22,
      });
      expect(terraformOf(job)).toEqual(terraformOf(planReview));
      expect(terraformOf(job)).toMatchObject({ terraform_wrapper: false });
    }
  });

  it("never cancels a run in progress, for an operation or for the drill", () => {
    expect(operation.job.concurrency).toEqual({
      group: "${{ needs.prepare.outputs.lock }}",
      "cancel-in-progress": false,
    });
    expect(drillJob.job.concurrency).toEqual({ group: "crdr-dr-drill", "cancel-in-progress": false });
  });

  it("writes the summary, keeps the journal and collects the phase change whatever happened before, even after a cancel", () => {
    for (const name of ["Write the summary", "Collect the phase-file change", "Upload the journal"])
      expect(step(operation, name).if).toBe("always()");
    expect(step(drillJob, "Write the summary").if).toBe("always()");
    expect(step(operation, "Upload the journal").with).toMatchObject({
      name: "crdr-journal",
      path: ".crdr/journal/",
      "include-hidden-files": true,
    });
    // The drill carries its journal forward like the operations: restored, appended to, uploaded whatever happened.
    expect(step(drillJob, "Restore the journals of earlier drills").run).toBe(
      "bash lib/ci/restore-journals.sh .crdr/drill-journal dr-operation.yml crdr-drill-journal",
    );
    expect(step(drillJob, "Run the drill").run).toContain(
      "npm run --silent drill -- $ARGS --journal-dir .crdr/drill-journal",
    );
    expect(step(drillJob, "Upload the drill journal").if).toBe("always()");
    expect(step(drillJob, "Upload the drill journal").with).toMatchObject({
      name: "crdr-drill-journal",
      path: ".crdr/drill-journal/",
      "include-hidden-files": true,
    });
    expect(pullRequest.job.if).toBe("always() && needs.operation.outputs.phase-changed == 'true'");
  });

  it("gives the operation's waits room to end before GitHub ends the job, so the summary is always written", () => {
    const jobMinutes = (operation.job as { "timeout-minutes"?: number })["timeout-minutes"]!;
    expect(jobMinutes).toBeLessThanOrEqual(360);
    // A revert waits twice, each at most --timeout 150m (dispatch-plan.sh).
    expect(2 * 150 + 30).toBeLessThanOrEqual(jobMinutes);
    expect(fs.readFileSync(path.join(REPO, "lib", "ci", "dispatch-plan.sh"), "utf8")).toContain(
      "args+=(--timeout 150m)",
    );
  });
});

/** A production-dr environment as GitHub describes it, with required reviewers. */
const PROTECTED = {
  protection_rules: [
    {
      id: 1,
      node_id: "n1",
      type: "required_reviewers",
      prevent_self_review: true,
      reviewers: [{ type: "Team", reviewer: { slug: "dr-approvers" } }],
    },
    { id: 2, node_id: "n2", type: "branch_policy" },
  ],
};

describe("the prepare job, run for each kind of dispatch", () => {
  let cwd: string;
  let store: ArtifactStore;
  let gh: FakeGitHubCli;
  beforeAll(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), "dr-prepare-"));
    fs.symlinkSync(path.join(REPO, "lib"), path.join(cwd, "lib"));
    store = new ArtifactStore();
    gh = fakeGitHubCli(store);
  });
  beforeEach(() =>
    gh.setRepository({
      environments: { "production-dr": PROTECTED, "production-dr-read-only": { protection_rules: [] } },
      openPullRequests: [],
    }),
  );
  afterAll(() => {
    gh.remove();
    store.remove();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  type Dispatched = Partial<
    Record<"operation" | "stack" | "region" | "project", string> &
      Record<"primary-unreachable" | "state-only" | "accept-data-loss" | "dry-run" | "allow-unapproved", boolean>
  >;
  const dispatch = (inputs: Dispatched | undefined, vars: Record<string, string> = {}) => {
    const defaults = {
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
    const run = runJob(prepare, {
      cwd,
      inputs: { secrets: {}, vars, github: GITHUB, inputs: inputs ? { ...defaults, ...inputs } : {} },
      env: { PATH: `${gh.bin}:${process.env.PATH}` },
    });
    return {
      ...run,
      failed: run.steps.some((s) => s.outcome === "failure"),
      output: run.steps.map((s) => s.output ?? "").join(""),
    };
  };
  /** What GitHub makes of the jobs' `if`, `environment` and `concurrency` for this dispatch. */
  const jobsFor = (outputs: Record<string, string>, inputs: Dispatched = {}) => {
    const run: RunInputs = { secrets: {}, github: GITHUB, inputs, needs: { prepare: { outputs } } };
    return {
      operationRuns: evaluateForJob(`\${{ ${operation.job.if} }}`, run),
      drillRuns: evaluateForJob(`\${{ ${drillJob.job.if} }}`, run),
      environment: evaluateForJob(operation.job.environment!, run),
      lock: evaluateForJob((operation.job.concurrency as { group: string }).group, run),
    };
  };

  it("a failover of one pair runs in production-dr (required reviewers), locked per pair", () => {
    const run = dispatch({ operation: "failover", stack: "pg-primary", "primary-unreachable": true, "dry-run": false });
    expect(run.failed).toBe(false);
    expect(run.outputs).toEqual({
      job: "operation",
      args: "--stack pg-primary --primary-unreachable",
      environment: "production-dr",
      lock: "crdr-dr-stack-pg-primary",
      target: "stack pg-primary",
      branch: "crdr/failover-pg-primary-42-1",
    });
    expect(jobsFor(run.outputs)).toEqual({
      operationRuns: true,
      drillRuns: false,
      environment: "production-dr",
      lock: "crdr-dr-stack-pg-primary",
    });
  });

  it("two dispatches for the same pair share one lock, whatever the operation; another pair has its own", () => {
    const lock = (operationName: string, stack: string) =>
      dispatch({ operation: operationName, stack, "dry-run": false }).outputs.lock;
    expect(lock("failover", "pg-primary")).toBe(lock("revert", "pg-primary"));
    expect(lock("switchover", "pg-primary")).toBe(lock("switchback", "pg-primary"));
    expect(lock("failover", "pg-other")).not.toBe(lock("failover", "pg-primary"));
  });

  it("a region run is locked per region", () => {
    const run = dispatch({ operation: "failover", region: "google-europe-west1", "dry-run": false });
    expect(run.outputs).toMatchObject({
      args: "--region google-europe-west1",
      environment: "production-dr",
      lock: "crdr-dr-region-google-europe-west1",
      branch: "crdr/failover-google-europe-west1-42-1",
    });
  });

  it("a region run narrowed to one Aiven project passes --project, and has a lock of its own: a region's projects run side by side, each project's dispatches queue", () => {
    const run = dispatch({ operation: "failover", region: "google-europe-west1", project: "proj-a", "dry-run": false });
    expect(run.failed).toBe(false);
    expect(run.outputs).toEqual({
      job: "operation",
      args: "--region google-europe-west1 --project proj-a",
      environment: "production-dr",
      lock: "crdr-dr-region-google-europe-west1-project-proj-a",
      target: "region google-europe-west1, project proj-a",
      branch: "crdr/failover-google-europe-west1-proj-a-42-1",
    });
    expect(jobsFor(run.outputs).lock).toBe("crdr-dr-region-google-europe-west1-project-proj-a");
    const lock = (inputs: Dispatched) =>
      dispatch({ region: "google-europe-west1", "dry-run": false, ...inputs }).outputs.lock;
    expect(lock({ operation: "revert", project: "proj-a" })).toBe(run.outputs.lock);
    expect(lock({ operation: "failover", project: "proj-b" })).not.toBe(run.outputs.lock);
    // Two dry runs of one workflow run (a matrix over projects) do not share a lock either.
    expect(dispatch({ operation: "failover", region: "google-europe-west1", project: "proj-a" }).outputs.lock).toBe(
      "crdr-dr-read-only-42-1-proj-a",
    );
  });

  it("the job summary's report is told the project, and the operation runs with the prepare job's arguments", () => {
    const summary = operation.job.steps.find((s) => s.name === "Write the summary")!;
    expect(summary.env).toMatchObject({ PROJECT: "${{ inputs.project }}" });
    expect(summary.run).toContain('if [ -n "$PROJECT" ]; then flags+=(--project "$PROJECT"); fi');
    expect(step(operation, RUN_STEP).run).toContain("$ARGS");
    expect(operation.job.env).toMatchObject({
      CRDR_API_RATE_LIMIT: "${{ vars.CRDR_API_RATE_LIMIT }}",
      CRDR_API_RATE_LIMIT_PER: "${{ vars.CRDR_API_RATE_LIMIT_PER }}",
    });
  });

  it("a failover accepts the data at risk only when accept-data-loss is on", () => {
    expect(
      dispatch({ operation: "failover", stack: "pg-primary", "accept-data-loss": true, "dry-run": false }).outputs.args,
    ).toBe("--stack pg-primary --accept-data-loss");
    expect(dispatch({ operation: "failover", stack: "pg-primary", "dry-run": false }).outputs.args).toBe(
      "--stack pg-primary",
    );
  });

  it("a revert's waits end before the job's time does", () => {
    expect(dispatch({ operation: "revert", stack: "pg-primary", "dry-run": false }).outputs.args).toBe(
      "--stack pg-primary --timeout 150m",
    );
  });

  it("a dry run needs no approval and never waits behind, nor takes the place of, a waiting operation", () => {
    const run = dispatch({ operation: "failover", stack: "pg-primary", "dry-run": true });
    expect(run.outputs).toMatchObject({
      args: "--stack pg-primary --dry-run",
      environment: "production-dr-read-only",
      lock: "crdr-dr-read-only-42-1",
    });
    expect(jobsFor(run.outputs).environment).toBe("production-dr-read-only");
  });

  it("status is read-only, of one pair or of every pair", () => {
    expect(dispatch({ operation: "status", stack: "pg-primary" }).outputs).toMatchObject({
      job: "operation",
      args: "--stack pg-primary",
      environment: "production-dr-read-only",
    });
    expect(dispatch({ operation: "status" }).outputs).toMatchObject({ args: "--all", target: "every pair" });
  });

  it("the schedule (no inputs) and a dispatched drill run the drill job, without an environment", () => {
    for (const run of [dispatch(undefined), dispatch({ operation: "drill", stack: "pg-primary" })]) {
      expect(run.failed).toBe(false);
      expect(jobsFor(run.outputs)).toMatchObject({ operationRuns: false, drillRuns: true });
      expect(run.outputs.environment).toBe("");
    }
    expect(dispatch({ operation: "drill", stack: "pg-primary" }).outputs.args).toBe("--stack pg-primary");
  });

  it.each([
    [{ operation: "failover" }, "failover needs a stack (one pair) or a region (every pair whose primary is there)."],
    [
      { operation: "failover", stack: "pg-primary", region: "google-europe-west1" },
      "Give a stack or a region, not both",
    ],
    [
      { operation: "revert", stack: "pg-primary", "primary-unreachable": true },
      "primary-unreachable applies to failover only; turn it off for revert.",
    ],
    [
      { operation: "switchover", stack: "pg-primary", "state-only": true },
      "state-only applies to failover only; turn it off for switchover.",
    ],
    [
      { operation: "switchover", stack: "pg-primary", "accept-data-loss": true },
      "accept-data-loss applies to failover only; turn it off for switchover.",
    ],
    [{ operation: "failover", stack: "pg-primary; rm -rf /" }, 'stack "pg-primary; rm -rf /" is not a stack name'],
    [{ operation: "failover", region: "$(curl evil)" }, 'region "$(curl evil)" is not a cloud region name'],
    [
      { operation: "drill", region: "google-europe-west1" },
      "The drill takes a stack or nothing (every pair), not a region.",
    ],
    [
      { operation: "failover", stack: "pg-primary", project: "proj-a" },
      "project narrows a region run to one Aiven project; give a region too (a stack names its pair already).",
    ],
    [
      { operation: "failover", region: "google-europe-west1", project: "proj a;" },
      'project "proj a;" is not an Aiven project name',
    ],
    [
      { operation: "status", region: "google-europe-west1", project: "proj-a" },
      "status reads a region's pairs in every project; leave project empty.",
    ],
    [
      { operation: "teleport", stack: "pg-primary" },
      'operation "teleport" is not one of failover, revert, switchover, switchback, status, drill.',
    ],
  ] as Array<[Dispatched, string]>)("refuses %j before anyone is asked to approve it", (inputs, message) => {
    const run = dispatch(inputs);
    expect(run.failed).toBe(true);
    expect(run.output).toContain(`::error::${message}`);
    expect(run.outputs.job).toBe("");
  });

  const REAL_FAILOVER: Dispatched = { operation: "failover", stack: "pg-primary", "dry-run": false };
  const stepOf = (run: ReturnType<typeof dispatch>, name: string) => run.steps.find((s) => s.name === name)!;

  it("reads production-dr's protection rules and lets a real operation go on when a reviewer must approve it", () => {
    const run = dispatch(REAL_FAILOVER);
    expect(run.failed).toBe(false);
    expect(stepOf(run, "Check that someone must approve").output).toContain(
      "The production-dr environment requires a reviewer's approval (1 reviewer(s) may give it).",
    );
    expect(gh.calls()).toContainEqual(["api", "repos/acme/crdr/environments/production-dr"]);
  });

  it.each([
    [
      "does not exist (GitHub would create it unprotected)",
      {},
      "The production-dr environment does not exist (GitHub would create it on first use, unprotected), so this operation would run without anyone approving it.",
    ],
    [
      "has no required reviewer",
      { "production-dr": { protection_rules: [{ id: 2, node_id: "n2", type: "branch_policy" }] } },
      "The production-dr environment has no required reviewer, so this operation would run without anyone approving it.",
    ],
    [
      "has a reviewer rule with nobody in it",
      { "production-dr": { protection_rules: [{ id: 1, node_id: "n1", type: "required_reviewers", reviewers: [] }] } },
      "The production-dr environment has no required reviewer, so this operation would run without anyone approving it.",
    ],
  ])("refuses a real operation when production-dr %s, saying how to set it up", (_, environments, message) => {
    gh.setRepository({ environments });
    const run = dispatch(REAL_FAILOVER);
    expect(run.failed).toBe(true);
    expect(run.output).toContain(
      `::error::${message} Add one under Settings → Environments → production-dr → Required reviewers`,
    );
    expect(run.output).toContain("or dispatch again with allow-unapproved");
    expect(run.outputs.job).toBe("operation");
    // The job fails, so GitHub runs no operation job after it.
    expect(stepOf(run, "Look for an open phase-file pull request").outcome).toBe("skipped");
  });

  it("lets a team that accepts unapproved runs waive the check, with a warning; dry runs, status and the drill need no reviewer", () => {
    gh.setRepository({ environments: {} });
    const waived = dispatch({ ...REAL_FAILOVER, "allow-unapproved": true });
    expect(waived.failed).toBe(false);
    expect(waived.output).toContain(
      "::warning::The production-dr environment does not exist (GitHub would create it on first use, unprotected); going on unapproved, as the dispatch allows (allow-unapproved).",
    );
    for (const inputs of [{ operation: "failover", stack: "pg-primary" }, { operation: "status" }, undefined] as Array<
      Dispatched | undefined
    >)
      expect(dispatch(inputs).failed).toBe(false);
  });

  it("refuses a real operation while the pair's phase-file pull request is open, naming it; a dry run only warns", () => {
    gh.setRepository({
      openPullRequests: [
        { number: 12, headRefName: "crdr/failover-pg-primary-41-1", url: "https://github.example/acme/crdr/pull/12" },
        { number: 13, headRefName: "crdr/failover-pg-primary-2-40-1", url: "https://github.example/acme/crdr/pull/13" },
        { number: 14, headRefName: "feature/pg-primary", url: "https://github.example/acme/crdr/pull/14" },
      ],
    });
    const revert = dispatch({ operation: "revert", stack: "pg-primary", "dry-run": false });
    expect(revert.failed).toBe(true);
    expect(revert.output).toContain(
      "::error::The phase-file pull request #12 (crdr/failover-pg-primary-41-1, https://github.example/acme/crdr/pull/12) of pg-primary is still open: until it is merged, the phase file this run reads is the one from before that operation. Merge it (or close it if its phase is wrong), then dispatch again.",
    );
    const dryRun = dispatch({ operation: "revert", stack: "pg-primary", "dry-run": true });
    expect(dryRun.failed).toBe(false);
    expect(dryRun.output).toContain(
      "::warning::The phase-file pull request #12 (crdr/failover-pg-primary-41-1, https://github.example/acme/crdr/pull/12) of pg-primary is still open",
    );
    // Another pair's pull request is not this pair's.
    expect(dispatch({ operation: "revert", stack: "pg-other", "dry-run": false }).failed).toBe(false);
    // A region run's pull request is found by its region.
    gh.setRepository({
      openPullRequests: [
        {
          number: 21,
          headRefName: "crdr/failover-google-europe-west1-43-2",
          url: "https://github.example/acme/crdr/pull/21",
        },
      ],
    });
    const region = dispatch({ operation: "revert", region: "google-europe-west1", "dry-run": false });
    expect(region.failed).toBe(true);
    expect(region.output).toContain(
      "::error::The phase-file pull request #21 (crdr/failover-google-europe-west1-43-2, https://github.example/acme/crdr/pull/21) of google-europe-west1 is still open",
    );
    // A project's run waits for its own project's pull request and a whole-region one, not another project's.
    expect(
      dispatch({ operation: "revert", region: "google-europe-west1", project: "proj-a", "dry-run": false }).failed,
    ).toBe(true);
    gh.setRepository({
      openPullRequests: [
        {
          number: 22,
          headRefName: "crdr/failover-google-europe-west1-proj-a-44-1",
          url: "https://github.example/acme/crdr/pull/22",
        },
      ],
    });
    expect(
      dispatch({ operation: "revert", region: "google-europe-west1", project: "proj-b", "dry-run": false }).failed,
    ).toBe(false);
    const sameProject = dispatch({
      operation: "revert",
      region: "google-europe-west1",
      project: "proj-a",
      "dry-run": false,
    });
    expect(sameProject.failed).toBe(true);
    expect(sameProject.output).toContain(
      "::error::The phase-file pull request #22 (crdr/failover-google-europe-west1-proj-a-44-1",
    );
    expect(dispatch({ operation: "revert", region: "google-europe-west1", "dry-run": false }).failed).toBe(true);
    // Any open pull request that changes the pair's own phase file, in the folder the repository sets (CRDR_PHASE_DIR).
    gh.setRepository({
      openPullRequests: [
        {
          number: 30,
          headRefName: "fix/pg-other",
          url: "https://github.example/acme/crdr/pull/30",
          files: [{ path: "ops/phases/pg-other.json" }],
        },
      ],
    });
    const byFile = dispatch(
      { operation: "switchover", stack: "pg-other", "dry-run": false },
      { CRDR_PHASE_DIR: "ops/phases" },
    );
    expect(byFile.failed).toBe(true);
    expect(byFile.output).toContain(
      "::error::The phase-file pull request #30 (fix/pg-other, https://github.example/acme/crdr/pull/30) of pg-other is still open",
    );
    expect(dispatch({ operation: "switchover", stack: "pg-other", "dry-run": false }).failed).toBe(false);
  });
});

describe("restoring the journals of earlier runs", () => {
  it("when GitHub cannot be asked, warns and lets the operation go on: it reads Aiven before it acts", () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "gh-down-"));
    try {
      fs.writeFileSync(
        path.join(bin, "gh"),
        "#!/usr/bin/env bash\necho 'HTTP 503: service unavailable' >&2\nexit 1\n",
        { mode: 0o755 },
      );
      const journals = path.join(bin, "journal");
      const run = spawnSync("bash", [path.join(REPO, "lib", "ci", "restore-journals.sh"), journals, FILE], {
        env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_REPOSITORY: "acme/crdr", RUN_ID: "42" },
        encoding: "utf8",
      });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(
        "::warning::Could not list earlier runs to restore their journals (HTTP 503: service unavailable); this run starts without them.\n",
      );
      expect(fs.readdirSync(journals)).toEqual([]);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
