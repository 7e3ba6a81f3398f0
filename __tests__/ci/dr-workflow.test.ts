import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { actionlint } from "../support/actionlint";
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
const GITHUB = { run_id: "42", run_attempt: "1", repository: "acme/crdr", server_url: "https://github.example", sha: "abc123", ref_name: "main", token: "ghs_token" };

const secretsIn = (value: unknown) => JSON.stringify(value ?? {}).match(/secrets\.[A-Za-z_]+/g) ?? [];

describe("the dr-operation workflow, as written", () => {
  it("passes actionlint", () => {
    expect(actionlint(text)).toEqual([]);
  });

  it("fails actionlint when broken, so the check above can fail", () => {
    const broken = text.replace("if: needs.prepare.outputs.job == 'operation'", "if: needs.nowhere.outputs.job == 'operation'");
    expect(actionlint(broken).map((e) => e.kind)).toContain("expression");
  });

  it("has shell steps bash accepts, in the workflow and in lib/ci", () => {
    for (const job of [prepare, operation, pullRequest, drillJob]) {
      for (const s of job.job.steps.filter((s) => s.run)) expect(spawnSync("bash", ["-n", "-c", s.run!], { encoding: "utf8" }).stderr).toBe("");
    }
    const scripts = fs.readdirSync(path.join(REPO, "lib", "ci")).filter((f) => f.endsWith(".sh"));
    expect(scripts.length).toBeGreaterThanOrEqual(5);
    for (const f of scripts) expect(spawnSync("bash", ["-n", path.join(REPO, "lib", "ci", f)], { encoding: "utf8" }).status).toBe(0);
  });

  it("is dispatched by hand with the operation, a stack or a region, primary-unreachable, state-only, accept-data-loss off by default, and dry-run on by default", () => {
    const inputs = doc.on.workflow_dispatch.inputs;
    expect(Object.keys(inputs)).toEqual(["operation", "stack", "region", "primary-unreachable", "state-only", "accept-data-loss", "dry-run"]);
    expect(inputs["accept-data-loss"]).toMatchObject({ type: "boolean", default: false });
    expect(inputs.operation).toMatchObject({ type: "choice", required: true, options: ["failover", "revert", "switchover", "switchback", "status", "drill"] });
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
    const aivenAndBackend = ["secrets.AIVEN_TOKEN", "secrets.AWS_ACCESS_KEY_ID", "secrets.AWS_SECRET_ACCESS_KEY", "secrets.GOOGLE_CREDENTIALS", "secrets.TF_TOKEN_app_terraform_io"];
    expect(secretsIn(step(operation, RUN_STEP).env).sort()).toEqual([...aivenAndBackend].sort());
    for (const job of [prepare, operation, pullRequest, drillJob]) {
      expect(secretsIn(job.job.env)).toEqual([]);
      const others = job.job.steps.filter((s) => s.name !== RUN_STEP);
      expect(others.flatMap((s) => secretsIn(s)).filter((s) => aivenAndBackend.includes(s))).toEqual([]);
    }
    // The drill runs against the local simulator: no secrets at all.
    expect(secretsIn(drillJob.job)).toEqual([]);
    // The only other secret is the optional token that opens the pull request, in the job that opens it.
    expect([...new Set(secretsIn(doc.jobs))].filter((s) => !aivenAndBackend.includes(s))).toEqual(["secrets.CRDR_PR_TOKEN"]);
    expect(secretsIn(prepare.job)).toEqual([]);
  });

  it("keeps the checkout's credentials out of every job that does not push", () => {
    for (const job of [prepare, operation, drillJob]) {
      expect(job.job.steps.find((s) => s.uses?.startsWith("actions/checkout"))?.with).toMatchObject({ "persist-credentials": false });
    }
  });

  it("grants no permissions by default and each job only what it needs; only the pull-request job may write", () => {
    expect(doc.permissions).toEqual({});
    expect(prepare.job.permissions).toEqual({ contents: "read" });
    expect(operation.job.permissions).toEqual({ contents: "read", actions: "read" });
    expect(pullRequest.job.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    expect(drillJob.job.permissions).toEqual({ contents: "read" });
  });

  it("runs on Node 22 with the Terraform the plan-review workflow uses, unwrapped", () => {
    const planReview = loadWorkflow("plan-review.yml", "plan-review");
    const terraformOf = (w: Workflow) => w.job.steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform"))?.with;
    for (const job of [operation, drillJob]) {
      expect(job.job.steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with).toMatchObject({ "node-version": 22 });
      expect(terraformOf(job)).toEqual(terraformOf(planReview));
      expect(terraformOf(job)).toMatchObject({ terraform_wrapper: false });
    }
  });

  it("never cancels a run in progress, for an operation or for the drill", () => {
    expect(operation.job.concurrency).toEqual({ group: "${{ needs.prepare.outputs.lock }}", "cancel-in-progress": false });
    expect(drillJob.job.concurrency).toEqual({ group: "crdr-dr-drill", "cancel-in-progress": false });
  });

  it("writes the summary, keeps the journal and collects the phase change whatever happened before, even after a cancel", () => {
    for (const name of ["Write the summary", "Collect the phase-file change", "Upload the journal"]) expect(step(operation, name).if).toBe("always()");
    expect(step(drillJob, "Write the summary").if).toBe("always()");
    expect(step(operation, "Upload the journal").with).toMatchObject({ name: "crdr-journal", path: ".crdr/journal/", "include-hidden-files": true });
    expect(pullRequest.job.if).toBe("always() && needs.operation.outputs.phase-changed == 'true'");
  });

  it("gives the operation's waits room to end before GitHub ends the job, so the summary is always written", () => {
    const jobMinutes = (operation.job as { "timeout-minutes"?: number })["timeout-minutes"]!;
    expect(jobMinutes).toBeLessThanOrEqual(360);
    // A revert waits twice, each at most --timeout 150m (dispatch-plan.sh).
    expect(2 * 150 + 30).toBeLessThanOrEqual(jobMinutes);
    expect(fs.readFileSync(path.join(REPO, "lib", "ci", "dispatch-plan.sh"), "utf8")).toContain("args+=(--timeout 150m)");
  });
});

describe("the prepare job, run for each kind of dispatch", () => {
  let cwd: string;
  beforeAll(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), "dr-prepare-"));
    fs.symlinkSync(path.join(REPO, "lib"), path.join(cwd, "lib"));
  });
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  type Dispatched = Partial<Record<"operation" | "stack" | "region", string> & Record<"primary-unreachable" | "state-only" | "accept-data-loss" | "dry-run", boolean>>;
  const dispatch = (inputs: Dispatched | undefined) => {
    const defaults = { operation: "", stack: "", region: "", "primary-unreachable": false, "state-only": false, "accept-data-loss": false, "dry-run": true };
    const run = runJob(prepare, { cwd, inputs: { secrets: {}, github: GITHUB, inputs: inputs ? { ...defaults, ...inputs } : {} }, env: { PATH: process.env.PATH } });
    return { ...run, failed: run.steps.some((s) => s.outcome === "failure"), output: run.steps.map((s) => s.output ?? "").join("") };
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
    expect(jobsFor(run.outputs)).toEqual({ operationRuns: true, drillRuns: false, environment: "production-dr", lock: "crdr-dr-stack-pg-primary" });
  });

  it("two dispatches for the same pair share one lock, whatever the operation; another pair has its own", () => {
    const lock = (operationName: string, stack: string) => dispatch({ operation: operationName, stack, "dry-run": false }).outputs.lock;
    expect(lock("failover", "pg-primary")).toBe(lock("revert", "pg-primary"));
    expect(lock("switchover", "pg-primary")).toBe(lock("switchback", "pg-primary"));
    expect(lock("failover", "pg-other")).not.toBe(lock("failover", "pg-primary"));
  });

  it("a region run is locked per region", () => {
    const run = dispatch({ operation: "failover", region: "google-europe-west1", "dry-run": false });
    expect(run.outputs).toMatchObject({ args: "--region google-europe-west1", environment: "production-dr", lock: "crdr-dr-region-google-europe-west1", branch: "crdr/failover-google-europe-west1-42-1" });
  });

  it("a failover accepts the data at risk only when accept-data-loss is on", () => {
    expect(dispatch({ operation: "failover", stack: "pg-primary", "accept-data-loss": true, "dry-run": false }).outputs.args).toBe("--stack pg-primary --accept-data-loss");
    expect(dispatch({ operation: "failover", stack: "pg-primary", "dry-run": false }).outputs.args).toBe("--stack pg-primary");
  });

  it("a revert's waits end before the job's time does", () => {
    expect(dispatch({ operation: "revert", stack: "pg-primary", "dry-run": false }).outputs.args).toBe("--stack pg-primary --timeout 150m");
  });

  it("a dry run needs no approval and never waits behind, nor takes the place of, a waiting operation", () => {
    const run = dispatch({ operation: "failover", stack: "pg-primary", "dry-run": true });
    expect(run.outputs).toMatchObject({ args: "--stack pg-primary --dry-run", environment: "production-dr-read-only", lock: "crdr-dr-read-only-42-1" });
    expect(jobsFor(run.outputs).environment).toBe("production-dr-read-only");
  });

  it("status is read-only, of one pair or of every pair", () => {
    expect(dispatch({ operation: "status", stack: "pg-primary" }).outputs).toMatchObject({ job: "operation", args: "--stack pg-primary", environment: "production-dr-read-only" });
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
    [{ operation: "failover", stack: "pg-primary", region: "google-europe-west1" }, "Give a stack or a region, not both"],
    [{ operation: "revert", stack: "pg-primary", "primary-unreachable": true }, "primary-unreachable applies to failover only; turn it off for revert."],
    [{ operation: "switchover", stack: "pg-primary", "state-only": true }, "state-only applies to failover only; turn it off for switchover."],
    [{ operation: "switchover", stack: "pg-primary", "accept-data-loss": true }, "accept-data-loss applies to failover only; turn it off for switchover."],
    [{ operation: "failover", stack: "pg-primary; rm -rf /" }, 'stack "pg-primary; rm -rf /" is not a stack name'],
    [{ operation: "failover", region: "$(curl evil)" }, 'region "$(curl evil)" is not a cloud region name'],
    [{ operation: "drill", region: "google-europe-west1" }, "The drill takes a stack or nothing (every pair), not a region."],
    [{ operation: "teleport", stack: "pg-primary" }, 'operation "teleport" is not one of failover, revert, switchover, switchback, status, drill.'],
  ] as Array<[Dispatched, string]>)("refuses %j before anyone is asked to approve it", (inputs, message) => {
    const run = dispatch(inputs);
    expect(run.failed).toBe(true);
    expect(run.output).toContain(`::error::${message}`);
    expect(run.outputs.job).toBe("");
  });
});

describe("restoring the journals of earlier runs", () => {
  it("when GitHub cannot be asked, warns and lets the operation go on: it reads Aiven before it acts", () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "gh-down-"));
    try {
      fs.writeFileSync(path.join(bin, "gh"), "#!/usr/bin/env bash\necho 'HTTP 503: service unavailable' >&2\nexit 1\n", { mode: 0o755 });
      const journals = path.join(bin, "journal");
      const run = spawnSync("bash", [path.join(REPO, "lib", "ci", "restore-journals.sh"), journals, FILE], {
        env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_REPOSITORY: "acme/crdr", RUN_ID: "42" },
        encoding: "utf8",
      });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe("::warning::Could not list earlier runs to restore their journals (HTTP 503: service unavailable); this run starts without them.\n");
      expect(fs.readdirSync(journals)).toEqual([]);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
