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
import { FakeGitHub, loadWorkflow, runGithubScript, runJob, step, StepOutcome } from "../support/workflow-runner";
import { fakeTerraform, StackBehaviour } from "./support/fake-terraform";

const workflow = loadWorkflow("plan-review.yml", "plan-review");
const BOT = "github-actions[bot]";
const PLAN_STEP = "Plan every stack";
const ESC = "\u001b";

describe("the plan-review workflow, as written", () => {
  it("passes actionlint", () => {
    expect(actionlint(workflow.text)).toEqual([]);
  });

  it("fails actionlint when broken, so the check above can fail", () => {
    const broken = workflow.text.replace("if: ${{ !cancelled() }}", "if: ${{ steps.nowhere.outputs.x }}");
    expect(actionlint(broken).map((e) => e.kind)).toContain("expression");
  });

  it("has shell steps bash accepts", () => {
    for (const s of workflow.job.steps.filter((s) => s.run)) {
      expect(spawnSync("bash", ["-n", "-c", s.run!], { encoding: "utf8" }).stderr).toBe("");
    }
    expect(spawnSync("bash", ["-n", path.join(REPO, "lib", "plan-review", "plan-all-stacks.sh")], { encoding: "utf8" }).status).toBe(0);
  });

  it("gives secrets to the plan step only: not to npm ci, the synth, the review, nor the whole job", () => {
    const usesSecrets = (value: unknown) => /secrets\./.test(JSON.stringify(value ?? {}));
    expect(usesSecrets(workflow.job.env)).toBe(false);
    expect(workflow.job.steps.filter((s) => usesSecrets(s)).map((s) => s.name)).toEqual([PLAN_STEP]);
    expect(step(workflow, PLAN_STEP).env).toMatchObject({ AIVEN_TOKEN: "${{ secrets.AIVEN_TOKEN }}" });
    expect(workflow.job.steps.find((s) => s.uses?.startsWith("actions/checkout"))?.with).toMatchObject({ "persist-credentials": false });
  });

  it("runs on Node 22, with Terraform 1.11.4 unwrapped", () => {
    expect(workflow.job.steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with).toMatchObject({ "node-version": 22 });
    expect(workflow.job.steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform"))?.with).toMatchObject({ terraform_version: "1.11.4", terraform_wrapper: false });
  });

  it("reviews and comments whatever failed before, unless the run is cancelled", () => {
    expect(step(workflow, "Review the plans").if).toBe("${{ !cancelled() }}");
    expect(step(workflow, "Post or update the review comment").if).toBe("${{ !cancelled() }}");
    expect(step(workflow, PLAN_STEP).run).toBe("bash lib/plan-review/plan-all-stacks.sh cdktf.out/stacks plans");
  });
});

describe("the plan-review workflow, run", () => {
  const FLEET = { CRDR_BENCH_PAIRS: "2" };
  const [GOOD, BAD] = ["bench-pg-0", "bench-pg-1"];
  const NO_CHANGES = JSON.stringify(planJson([]));
  let project: ProjectFixture;

  beforeAll(() => {
    requireTerraform();
    // A checkout after npm ci and synth: the compiled review and the plan loop, the synthesized stacks.
    project = ProjectFixture.create("bench/fleet-app.js");
    synthesize(project.dir, { ...process.env, ...FLEET });
    fs.symlinkSync(path.join(REPO, "dist"), path.join(project.dir, "dist"));
    fs.symlinkSync(path.join(REPO, "lib"), path.join(project.dir, "lib"));
  });
  afterAll(() => project.remove());

  beforeEach(() => {
    for (const f of ["plans", "review.md"]) fs.rmSync(path.join(project.dir, f), { recursive: true, force: true });
  });

  function run(behaviours: Record<string, StackBehaviour>, secrets: Record<string, string>, fake: FakeGitHub): { steps: Record<string, StepOutcome>; failed: boolean } {
    const terraform = fakeTerraform(behaviours);
    try {
      const { steps } = runJob(workflow, {
        cwd: project.dir,
        inputs: { secrets, github: { server_url: "https://github.example", repository: "acme/crdr", run_id: "42" } },
        env: { PATH: `${terraform.bin}:${process.env.PATH}`, HOME: process.env.HOME, TF_CLI_CONFIG_FILE: "/dev/null" },
        prepared: ["Install", "Synthesize"],
        fake,
      });
      return { steps: Object.fromEntries(steps.map((o) => [o.name, o])), failed: steps.some((o) => o.outcome === "failure") };
    } finally {
      terraform.remove();
    }
  }

  const comment = (o: StepOutcome) => o.script!.calls.find((c) => c.kind === "create" || c.kind === "update");

  it("with a stack whose plan fails: the plan step fails, the review reports the danger with terraform's error, the comment says so, and the check fails", () => {
    const job = run({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { planFails: true } }, { AIVEN_TOKEN: "t0ken" }, { comments: [] });
    expect(job.steps[PLAN_STEP]).toMatchObject({ outcome: "failure", code: 1 });
    expect(job.steps["Review the plans"]).toMatchObject({ outcome: "failure", code: 3 });
    const posted = comment(job.steps["Post or update the review comment"]);
    expect(posted).toMatchObject({ kind: "create", owner: "acme", repo: "crdr", issue_number: 7 });
    expect(posted.body).toMatch(/^<!-- crdr-plan-review -->\n## 🛑 CRDR plan review: 1 danger\n/);
    expect(posted.body).toContain(`the plan of stack ${BAD} failed: terraform plan exited 1`);
    expect(posted.body).toContain("│ Error: Invalid credentials");
    expect(posted.body).not.toContain(ESC);
    expect(job.steps["Post or update the review comment"].script!.summaries).toEqual([posted.body]);
    expect(job.failed).toBe(true);
  });

  it("keeps the token out of the steps that do not plan", () => {
    const job = run({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } }, { AIVEN_TOKEN: "t0ken-value" }, { comments: [] });
    expect(job.failed).toBe(false);
    expect(job.steps["Review the plans"].output).not.toContain("t0ken-value");
    expect(comment(job.steps["Post or update the review comment"]).body).toMatch(/^<!-- crdr-plan-review -->\n## ✅ CRDR plan review: nothing dangerous for the DR pairs\n/);
  });

  it("on a pull request from a fork (no secrets, read-only token): 'not reviewed: no credentials' in the job summary, and the check fails", () => {
    const job = run({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } }, {}, { comments: [], writeFails: 403, fromFork: true });
    expect(job.steps[PLAN_STEP].outcome).toBe("failure");
    expect(job.steps["Review the plans"]).toMatchObject({ outcome: "failure", code: 3 });
    const posting = job.steps["Post or update the review comment"];
    expect(posting.outcome).toBe("success");
    expect(posting.script!.summaries[0]).toMatch(/^<!-- crdr-plan-review -->\n## ⛔ CRDR plan review: not reviewed \(no credentials\)\n/);
    expect(posting.script!.warnings).toEqual([expect.stringMatching(/fork gets a read-only token, so the review is in the job summary/)]);
    expect(job.failed).toBe(true);
  });

  it("when the review cannot run at all, replaces the earlier comment with a failure, never leaving an old ✅", () => {
    fs.renameSync(path.join(project.dir, "dist"), path.join(project.dir, "dist-away"));
    try {
      const old = { id: 5, user: { login: BOT }, body: `${COMMENT_MARKER}\n## ✅ CRDR plan review: nothing dangerous for the DR pairs` };
      const job = run({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } }, { AIVEN_TOKEN: "t0ken" }, { comments: [old] });
      expect(job.steps["Review the plans"].outcome).toBe("failure");
      const posted = comment(job.steps["Post or update the review comment"]);
      expect(posted).toMatchObject({ kind: "update", comment_id: 5 });
      expect(posted.body).toMatch(/^<!-- crdr-plan-review -->\n## 🛑 CRDR plan review failed\n/);
      expect(posted.body).toContain("[workflow run](https://github.example/acme/crdr/actions/runs/42)");
      expect(job.failed).toBe(true);
    } finally {
      fs.renameSync(path.join(project.dir, "dist-away"), path.join(project.dir, "dist"));
    }
  });
});

describe("the comment step", () => {
  const script = String(step(workflow, "Post or update the review comment").with?.script);
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
    expect(result.calls.filter((c) => c.kind !== "list")).toEqual([expect.objectContaining({ kind: "update", comment_id: 3, body: `${COMMENT_MARKER}\n## ✅ new review\n` })]);
  });

  it("creates a new comment when only someone else's comment carries the marker", () => {
    const result = runGithubScript(script, dir, env, { comments: [{ id: 1, user: { login: "mallory" }, body: `${COMMENT_MARKER}\nfake` }] });
    expect(result.calls.filter((c) => c.kind !== "list")).toEqual([expect.objectContaining({ kind: "create", issue_number: 7 })]);
  });

  it("fails when it cannot comment on a pull request from this repository", () => {
    const result = runGithubScript(script, dir, env, { comments: [], writeFails: 403 });
    expect(result).toMatchObject({ ok: false, error: "HTTP 403" });
  });
});
