import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { COMMENT_MARKER } from "../../lib/plan-review/markdown-report";
import { synthesize } from "../../lib/synth/synthesize";
import { planJson } from "../support/plan-builder";
import { ProjectFixture, REPO } from "../support/project-fixture";
import { requireTerraform } from "../support/terraform";
import { actionlint } from "../support/actionlint";
import { ArtifactStore } from "../support/artifact-store";
import {
  FakeGitHub,
  JobRun,
  loadWorkflow,
  runGithubScript,
  runJob,
  step,
  StepOutcome,
} from "../support/workflow-runner";
import { fakeTerraform, StackBehaviour } from "./support/fake-terraform";

const FILE = "plan-review.yml";
const jobs = {
  synth: loadWorkflow(FILE, "synth"),
  plan: loadWorkflow(FILE, "plan"),
  comment: loadWorkflow(FILE, "comment"),
};
const workflow = jobs.plan;
const BOT = "github-actions[bot]";
const PLAN_STEP = "Plan every stack";
const COMMENT_STEP = "Post or update the review comment";
const ESC = "\u001b";
const allSteps = () => Object.values(jobs).flatMap((j) => j.job.steps);

describe("the plan-review workflow, as written", () => {
  it("passes actionlint", () => {
    expect(actionlint(workflow.text)).toEqual([]);
  });

  it("fails actionlint when broken, so the check above can fail", () => {
    const broken = workflow.text.replace("if: ${{ !cancelled() }}", "if: ${{ steps.nowhere.outputs.x }}");
    expect(actionlint(broken).map((e) => e.kind)).toContain("expression");
  });

  it("has shell steps bash accepts", () => {
    for (const s of allSteps().filter((s) => s.run)) {
      expect(spawnSync("bash", ["-n", "-c", s.run!], { encoding: "utf8" }).stderr).toBe("");
    }
    expect(
      spawnSync("bash", ["-n", path.join(REPO, "lib", "plan-review", "plan-all-stacks.sh")], { encoding: "utf8" })
        .status,
    ).toBe(0);
  });

  it("gives secrets to the plan step only, in the plan-review environment: not to the pull request's install and synth, the review, nor the comment", () => {
    const usesSecrets = (value: unknown) => /secrets\./.test(JSON.stringify(value ?? {}));
    for (const j of Object.values(jobs)) expect(usesSecrets(j.job.env)).toBe(false);
    expect(
      allSteps()
        .filter((s) => usesSecrets(s))
        .map((s) => s.name),
    ).toEqual([PLAN_STEP]);
    expect(step(jobs.plan, PLAN_STEP).env).toMatchObject({ AIVEN_TOKEN: "${{ secrets.AIVEN_TOKEN }}" });
    expect(jobs.plan.job.environment).toBe("plan-review");
    expect(jobs.synth.job.environment).toBeUndefined();
    expect(jobs.comment.job.environment).toBeUndefined();
    for (const j of Object.values(jobs))
      expect(
        j.job.steps.find((s) => s.uses?.startsWith("actions/checkout"))?.with ?? { "persist-credentials": false },
      ).toMatchObject({ "persist-credentials": false });
  });

  it("runs the base branch's plan loop and review beside the secrets, never the pull request's, and caches nothing there", () => {
    const checkout = jobs.plan.job.steps.find((s) => s.uses?.startsWith("actions/checkout"));
    expect(checkout?.with).toMatchObject({ ref: "${{ github.event.pull_request.base.sha }}" });
    expect(step(jobs.plan, PLAN_STEP).run).toBe(
      'bash lib/plan-review/plan-all-stacks.sh "$RUNNER_TEMP/pull-request/cdktf.out/stacks" "$RUNNER_TEMP/plans"',
    );
    expect(step(jobs.plan, "Review the plans").run).toContain('node "$GITHUB_WORKSPACE/dist/scripts/plan-review.js"');
    expect(jobs.plan.job.steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with).toMatchObject({
      "package-manager-cache": false,
    });
    expect(jobs.plan.job.steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with?.cache).toBeUndefined();
    // The plans hold state values: only the review leaves the job.
    expect(
      jobs.plan.job.steps.filter((s) => s.uses?.startsWith("actions/upload-artifact")).map((s) => s.with?.path),
    ).toEqual(["${{ runner.temp }}/review/"]);
  });

  it("grants each job only what it needs, and bounds each job's time", () => {
    expect(jobs.synth.doc.permissions).toEqual({});
    expect(jobs.synth.job.permissions).toEqual({ contents: "read" });
    expect(jobs.plan.job.permissions).toEqual({ contents: "read" });
    expect(jobs.comment.job.permissions).toEqual({ "pull-requests": "write" });
    for (const j of Object.values(jobs))
      expect((j.job as { "timeout-minutes"?: number })["timeout-minutes"]).toBeGreaterThan(0);
  });

  it("pins every action by commit, with its version in a comment, on the Node 24 majors", () => {
    const uses = [...workflow.text.matchAll(/uses: (\S+)(.*)/g)].map((m) => [m[1], m[2]]);
    expect(uses.length).toBe(10);
    for (const [ref, comment] of uses) {
      expect(ref).toMatch(/^[a-z-]+\/[a-z-]+@[0-9a-f]{40}$/);
      expect(comment).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
    const majors = Object.fromEntries(
      uses.map(([ref, comment]) => [ref.split("@")[0], comment.replace(" # ", "").split(".")[0]]),
    );
    expect(majors).toEqual({
      "actions/checkout": "v7",
      "actions/setup-node": "v7",
      "actions/upload-artifact": "v7",
      "actions/download-artifact": "v8",
      "actions/github-script": "v8",
      "hashicorp/setup-terraform": "v4",
    });
  });

  it("runs on Node 22, with Terraform 1.11.4 unwrapped, and passes the phase folder's setting to the synth and the review (and the old one, to be refused)", () => {
    expect(jobs.synth.job.steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with).toMatchObject({
      "node-version": 22,
    });
    expect(jobs.plan.job.steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform"))?.with).toMatchObject({
      terraform_version: "1.11.4",
      terraform_wrapper: false,
    });
    expect(jobs.synth.job.env).toMatchObject({
      CRDR_PHASE_DIR: "${{ vars.CRDR_PHASE_DIR }}",
      CRDR_PHASE_FILE: "${{ vars.CRDR_PHASE_FILE }}",
      CRDR_BACKEND: "${{ vars.CRDR_BACKEND }}",
    });
    expect(jobs.plan.job.env).toMatchObject({
      CRDR_PHASE_DIR: "${{ vars.CRDR_PHASE_DIR }}",
      CRDR_PHASE_FILE: "${{ vars.CRDR_PHASE_FILE }}",
    });
  });

  it("reviews and comments whatever failed before, unless the run is cancelled", () => {
    expect(step(jobs.plan, "Review the plans").if).toBe("${{ !cancelled() }}");
    expect(jobs.comment.job.if).toBe("${{ !cancelled() }}");
    expect(step(jobs.comment, COMMENT_STEP).if).toBe("${{ !cancelled() }}");
  });
});

describe("the plan-review workflow, run", () => {
  const FLEET = { CRDR_BENCH_PAIRS: "2" };
  const SHARED_STATE = JSON.stringify({ type: "http", address: "http://127.0.0.1:9/state" });
  const [GOOD, BAD] = ["bench-pg-0", "bench-pg-1"];
  const NO_CHANGES = JSON.stringify(planJson([]));
  let pullRequest: ProjectFixture;
  let base: ProjectFixture;
  let store: ArtifactStore;
  let elsewhere: string;

  beforeAll(() => {
    requireTerraform();
    // The pull request's checkout after npm ci and synth (state in a shared backend).
    pullRequest = ProjectFixture.create("bench/fleet-app.js");
    synthesize(pullRequest.dir, { ...process.env, ...FLEET, CRDR_BACKEND: SHARED_STATE });
    // The base branch's checkout after npm ci and the build: the compiled review and the plan loop.
    base = ProjectFixture.create("bench/fleet-app.js");
    fs.symlinkSync(path.join(REPO, "dist"), path.join(base.dir, "dist"));
    fs.symlinkSync(path.join(REPO, "lib"), path.join(base.dir, "lib"));
    elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "comment-job-"));
  });
  afterAll(() => {
    pullRequest?.remove();
    base?.remove();
    if (elsewhere) fs.rmSync(elsewhere, { recursive: true, force: true });
  });
  beforeEach(() => {
    store = new ArtifactStore();
  });
  afterEach(() => {
    store.remove();
    pullRequest.clearPhases();
    base.clearPhases();
  });

  const byName = (run: JobRun) => Object.fromEntries(run.steps.map((o) => [o.name, o])) as Record<string, StepOutcome>;
  const failed = (run: JobRun) => run.steps.some((o) => o.outcome === "failure");

  /** One run of the workflow: the three jobs in order, each on a fresh machine, the plan job only when the synth succeeded (as GitHub runs them). */
  function run(
    behaviours: Record<string, StackBehaviour>,
    secrets: Record<string, string>,
    fake: FakeGitHub,
    options: { synthFails?: boolean } = {},
  ) {
    const terraform = fakeTerraform(behaviours);
    const failingNpm = fs.mkdtempSync(path.join(os.tmpdir(), "failing-npm-"));
    fs.writeFileSync(
      path.join(failingNpm, "npm"),
      "#!/usr/bin/env bash\necho 'npm error the synth failed' >&2\nexit 1\n",
      { mode: 0o755 },
    );
    try {
      const inputs = {
        secrets,
        vars: {},
        github: {
          server_url: "https://github.example",
          repository: "acme/crdr",
          run_id: "42",
          event: { pull_request: { base: { sha: "b4se" } } },
        },
      };
      const env = {
        PATH: `${terraform.bin}:${process.env.PATH}`,
        HOME: process.env.HOME,
        TMPDIR: process.env.TMPDIR,
        TF_CLI_CONFIG_FILE: "/dev/null",
      };
      const actions = store.actions(42);
      const synth = runJob(jobs.synth, {
        cwd: pullRequest.dir,
        inputs: { ...inputs, secrets: {} },
        env: options.synthFails ? { ...env, PATH: `${failingNpm}:${env.PATH}` } : env,
        prepared: options.synthFails ? ["Install"] : ["Install", "Synthesize"],
        actions,
      });
      const plan = failed(synth)
        ? undefined
        : runJob(jobs.plan, { cwd: base.dir, inputs, env, prepared: ["Install", "Build the review"], actions });
      const comment = runJob(jobs.comment, { cwd: elsewhere, inputs: { ...inputs, secrets: {} }, env, fake, actions });
      return {
        synth: byName(synth),
        plan: plan && byName(plan),
        comment: byName(comment),
        failed: failed(synth) || !plan || failed(plan) || failed(comment),
      };
    } finally {
      terraform.remove();
      fs.rmSync(failingNpm, { recursive: true, force: true });
    }
  }

  const posted = (job: ReturnType<typeof run>) =>
    job.comment[COMMENT_STEP].script!.calls.find((c) => c.kind === "create" || c.kind === "update");

  it("with a stack whose plan fails: the plan step fails, the review reports the danger with terraform's error, the comment says so, and the check fails", () => {
    const job = run(
      { [GOOD]: { showJson: NO_CHANGES }, [BAD]: { planFails: true } },
      { AIVEN_TOKEN: "t0ken" },
      { comments: [] },
    );
    expect(job.plan![PLAN_STEP]).toMatchObject({ outcome: "failure", code: 1 });
    expect(job.plan!["Review the plans"]).toMatchObject({ outcome: "failure", code: 3 });
    const body = posted(job);
    expect(body).toMatchObject({ kind: "create", owner: "acme", repo: "crdr", issue_number: 7 });
    expect(body.body).toMatch(/^<!-- crdr-plan-review -->\n## 🛑 CRDR plan review: 1 danger\n/);
    expect(body.body).toContain(`the plan of stack ${BAD} failed: terraform plan exited 1`);
    expect(body.body).toContain("│ Error: Invalid credentials");
    expect(body.body).not.toContain(ESC);
    expect(job.comment[COMMENT_STEP].script!.summaries).toEqual([body.body]);
    expect(job.failed).toBe(true);
  });

  it("keeps the token out of the steps that do not plan, and the plans out of the artifacts", () => {
    const job = run(
      { [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } },
      { AIVEN_TOKEN: "t0ken-value" },
      { comments: [] },
    );
    expect(job.failed).toBe(false);
    expect(job.plan!["Review the plans"].output).not.toContain("t0ken-value");
    expect(posted(job).body).toMatch(
      /^<!-- crdr-plan-review -->\n## ✅ CRDR plan review: nothing dangerous for the DR pairs\n/,
    );
    expect(store.files(42, "crdr-plan-review")).toEqual(["review.md"]);
    expect(store.files(42, "crdr-synthesized")).toEqual(
      expect.arrayContaining(["cdktf.json", "cdktf.out/manifest.json", `cdktf.out/stacks/${GOOD}/cdk.tf.json`]),
    );
    // The plans (they hold state values) stay in the plan job.
    expect(fs.readdirSync(path.join(store.dir, "42")).sort()).toEqual(["crdr-plan-review", "crdr-synthesized"]);
  });

  it("on a pull request from a fork (no secrets, read-only token): 'not reviewed: no credentials' in the job summary, and the check fails", () => {
    const job = run(
      { [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } },
      {},
      { comments: [], writeFails: 403, fromFork: true },
    );
    expect(job.plan![PLAN_STEP].outcome).toBe("failure");
    expect(job.plan!["Review the plans"]).toMatchObject({ outcome: "failure", code: 3 });
    const posting = job.comment[COMMENT_STEP];
    expect(posting.outcome).toBe("success");
    expect(posting.script!.summaries[0]).toMatch(
      /^<!-- crdr-plan-review -->\n## ⛔ CRDR plan review: not reviewed \(no credentials\)\n/,
    );
    expect(posting.script!.warnings).toEqual([
      expect.stringMatching(/fork gets a read-only token, so the review is in the job summary/),
    ]);
    expect(job.failed).toBe(true);
  });

  it("when the review cannot run at all, replaces the earlier comment with a failure, never leaving an old ✅", () => {
    fs.renameSync(path.join(base.dir, "dist"), path.join(base.dir, "dist-away"));
    try {
      const old = {
        id: 5,
        user: { login: BOT },
        body: `${COMMENT_MARKER}\n## ✅ CRDR plan review: nothing dangerous for the DR pairs`,
      };
      const job = run(
        { [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } },
        { AIVEN_TOKEN: "t0ken" },
        { comments: [old] },
      );
      expect(job.plan!["Review the plans"].outcome).toBe("failure");
      expect(posted(job)).toMatchObject({ kind: "update", comment_id: 5 });
      expect(posted(job).body).toMatch(/^<!-- crdr-plan-review -->\n## 🛑 CRDR plan review failed\n/);
      expect(posted(job).body).toContain("[workflow run](https://github.example/acme/crdr/actions/runs/42)");
      expect(job.failed).toBe(true);
    } finally {
      fs.renameSync(path.join(base.dir, "dist-away"), path.join(base.dir, "dist"));
    }
  });

  it("never posts a review.md the pull request committed: when the synth fails, the comment is a failure", () => {
    const stale = `${COMMENT_MARKER}\n## ✅ CRDR plan review: nothing dangerous for the DR pairs\n`;
    fs.writeFileSync(path.join(pullRequest.dir, "review.md"), stale);
    fs.writeFileSync(path.join(elsewhere, "review.md"), stale);
    try {
      const job = run(
        { [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } },
        { AIVEN_TOKEN: "t0ken" },
        { comments: [] },
        { synthFails: true },
      );
      expect(job.synth.Synthesize.outcome).toBe("failure");
      expect(job.plan).toBeUndefined();
      expect(job.comment["Download this run's review"].outcome).toBe("failure");
      expect(posted(job).body).toMatch(/^<!-- crdr-plan-review -->\n## 🛑 CRDR plan review failed\n/);
      expect(job.comment[COMMENT_STEP].script!.warnings).toEqual([
        expect.stringMatching(/^This run wrote no review \(ENOENT\)/),
      ]);
      expect(job.failed).toBe(true);
    } finally {
      fs.rmSync(path.join(pullRequest.dir, "review.md"));
      fs.rmSync(path.join(elsewhere, "review.md"));
    }
  });

  it("with state that is local (no CRDR_BACKEND, or one set only on an environment): 'not reviewed', saying what to set", () => {
    synthesize(pullRequest.dir, { ...process.env, ...FLEET, CRDR_BACKEND: "" });
    try {
      const job = run(
        { [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } },
        { AIVEN_TOKEN: "t0ken" },
        { comments: [] },
      );
      expect(job.plan![PLAN_STEP].outcome).toBe("success");
      expect(job.plan!["Review the plans"]).toMatchObject({ outcome: "failure", code: 3 });
      expect(posted(job).body).toMatch(
        new RegExp(
          `^<!-- crdr-plan-review -->\n## ⛔ CRDR plan review: not reviewed \\(stack ${GOOD} keeps its state in a local file, which this CI machine does not have\\)\n`,
        ),
      );
      expect(posted(job).body).toContain("Set the repository variable CRDR_BACKEND");
    } finally {
      synthesize(pullRequest.dir, { ...process.env, ...FLEET, CRDR_BACKEND: SHARED_STATE });
    }
  });

  it("compares the pull request's phase files with the base branch's: a failover recorded by hand is a danger, named in the headline", () => {
    base.writePhases({});
    pullRequest.writePhases({ [GOOD]: { phase: "failed-over", primary: "forgotten" } });
    const job = run(
      { [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } },
      { AIVEN_TOKEN: "t0ken" },
      { comments: [] },
    );
    expect(store.files(42, "crdr-synthesized")).toContain(`crdr-phases/${GOOD}.json`);
    expect(posted(job).body.split("\n")[1]).toBe(
      `## 🛑 CRDR plan review: 1 danger · phase ${GOOD}: normal → failed-over (primary forgotten)`,
    );
    expect(posted(job).body).toContain(`the phase file moves ${GOOD} from normal to failed-over (primary forgotten)`);
    expect(job.failed).toBe(true);
  });

  it("reviews the pull request that migrates the old single phase file into the folder as changing no pair's phase", () => {
    const record = {
      phase: "switched-over",
      operation: "switchover",
      runId: "switchover-1",
      since: "2026-11-01T10:00:00Z",
    };
    // The base branch still has crdr-phases.json; the pull request has the folder instead.
    fs.writeFileSync(base.legacyPhaseFile, JSON.stringify({ version: 1, pairs: { [GOOD]: record } }));
    pullRequest.writePhases({ [GOOD]: record });
    const job = run(
      { [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } },
      { AIVEN_TOKEN: "t0ken" },
      { comments: [] },
    );
    expect(store.files(42, "crdr-synthesized")).toContain(`crdr-phases/${GOOD}.json`);
    expect(store.files(42, "crdr-synthesized")).not.toContain("crdr-phases.json");
    expect(posted(job).body.split("\n")[1]).not.toContain("· phase");
    expect(posted(job).body).not.toContain("the phase file moves");
    // Changing the record on the way is still seen, per pair.
    pullRequest.writePhases({ [GOOD]: { ...record, phase: "normal", operation: "switchback" } });
    store.remove();
    store = new ArtifactStore();
    const changed = run(
      { [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } },
      { AIVEN_TOKEN: "t0ken" },
      { comments: [] },
    );
    expect(posted(changed).body.split("\n")[1]).toContain(`· phase ${GOOD}: switched-over → normal`);
  });
});

describe("the comment step", () => {
  const script = String(step(jobs.comment, COMMENT_STEP).with?.script);
  const env = { ...process.env, REVIEW_FILE: "review.md", COMMENT_AUTHOR: BOT, RUN_URL: "https://github.example/run" };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "comment-step-"));
  fs.writeFileSync(path.join(dir, "review.md"), `${COMMENT_MARKER}\n## ✅ new review\n`);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("updates its own comment, found by the marker and by its author", () => {
    const comments = [
      { id: 1, user: { login: "mallory" }, body: `${COMMENT_MARKER}\n## ✅ looks fine to me` },
      { id: 2, user: { login: BOT }, body: "an unrelated bot comment" },
      { id: 3, user: { login: BOT }, body: `${COMMENT_MARKER}\n## 🛑 old review` },
    ];
    const result = runGithubScript(script, dir, env, { comments });
    expect(result.ok).toBe(true);
    expect(result.calls.filter((c) => c.kind !== "list")).toEqual([
      expect.objectContaining({ kind: "update", comment_id: 3, body: `${COMMENT_MARKER}\n## ✅ new review\n` }),
    ]);
  });

  it("creates a new comment when only someone else's comment carries the marker", () => {
    const result = runGithubScript(script, dir, env, {
      comments: [{ id: 1, user: { login: "mallory" }, body: `${COMMENT_MARKER}\nfake` }],
    });
    expect(result.calls.filter((c) => c.kind !== "list")).toEqual([
      expect.objectContaining({ kind: "create", issue_number: 7 }),
    ]);
  });

  it("fails when it cannot comment on a pull request from this repository", () => {
    const result = runGithubScript(script, dir, env, { comments: [], writeFails: 403 });
    expect(result).toMatchObject({ ok: false, error: "HTTP 403" });
  });
});
