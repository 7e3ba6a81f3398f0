import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PLAN_RECORDS } from "../../lib/plan-review/review-plan-directory";
import { synthesize } from "../../lib/synth/synthesize";
import { planJson } from "../support/plan-builder";
import { ProjectFixture, REPO } from "../support/project-fixture";
import { requireTerraform } from "../support/terraform";
import { FAKE_PLAN_ERROR, fakeTerraform, StackBehaviour } from "./support/fake-terraform";

const LOOP = path.join(REPO, "lib", "plan-review", "plan-all-stacks.sh");
const FLEET = { CRDR_BENCH_PAIRS: "2" };
const [GOOD, BAD] = ["bench-pg-0", "bench-pg-1"];
const ESC = "\u001b";

/** A plan for the good stack in which nothing changes. */
const NO_CHANGES = JSON.stringify(planJson([]));

let project: ProjectFixture;
beforeAll(() => {
  requireTerraform();
  project = ProjectFixture.create("bench/fleet-app.js");
  synthesize(project.dir, { ...process.env, ...FLEET });
});
afterAll(() => project.remove());

const plansDir = () => path.join(project.dir, "plans");

function planLoop(
  behaviours: Record<string, StackBehaviour>,
  env: Record<string, string> = { AIVEN_TOKEN: "test-token" },
) {
  const fake = fakeTerraform(behaviours);
  try {
    const run = spawnSync("bash", [LOOP, "cdktf.out/stacks", "plans"], {
      cwd: project.dir,
      env: {
        PATH: `${fake.bin}:${process.env.PATH}`,
        HOME: process.env.HOME,
        TF_CLI_CONFIG_FILE: "/dev/null",
        CHECKPOINT_DISABLE: "1",
        ...env,
      },
      encoding: "utf8",
    });
    return { code: run.status, output: run.stdout + run.stderr, calls: fake.calls() };
  } finally {
    fake.remove();
  }
}

function review(...args: string[]) {
  const run = spawnSync(
    process.execPath,
    [path.join(REPO, "dist", "scripts", "plan-review.js"), "--plans-dir", "plans", ...args],
    { cwd: project.dir, encoding: "utf8" },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const record = (name: string) => path.join(plansDir(), name);

describe("the plan loop (lib/plan-review/plan-all-stacks.sh)", () => {
  it("plans every stack; a stack whose plan fails leaves which step failed and the tail of terraform's error, without terminal codes, and the loop exits 1", () => {
    const run = planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { planFails: true } });
    expect(run.code).toBe(1);
    expect(JSON.parse(fs.readFileSync(record(PLAN_RECORDS.plan(GOOD)), "utf8"))).toMatchObject({
      format_version: "1.2",
    });
    expect(fs.existsSync(record(PLAN_RECORDS.plan(BAD)))).toBe(false);
    const failure = fs.readFileSync(record(PLAN_RECORDS.failure(BAD)), "utf8");
    expect(failure.split("\n")[0]).toBe("terraform plan exited 1");
    expect(failure).toContain("│ Error: Invalid credentials\n│ 401 Unauthorized: the token was refused");
    expect(failure).not.toContain(ESC);
    expect(FAKE_PLAN_ERROR).toContain(ESC);
    expect(run.output).toContain(`::error::The plan of stack ${BAD} failed (terraform plan exited 1)`);
    // Both stacks were initialized and planned, with -no-color and no state lock.
    expect(run.calls).toEqual(
      expect.arrayContaining([`${GOOD} init`, `${GOOD} plan`, `${GOOD} show`, `${BAD} init`, `${BAD} plan`]),
    );
  });

  it("records the real terraform's failure to initialize a stack whose provider cannot be installed", () => {
    // Whether or not a registry is reachable from here: terraform may install
    // providers only from an empty mirror.
    const noProviders = fs.mkdtempSync(path.join(os.tmpdir(), "no-providers-"));
    let run: ReturnType<typeof planLoop>;
    try {
      fs.mkdirSync(path.join(noProviders, "mirror"));
      const config = path.join(noProviders, "terraform.rc");
      fs.writeFileSync(
        config,
        `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(path.join(noProviders, "mirror"))}\n  }\n}\n`,
      );
      run = planLoop(
        { [GOOD]: { showJson: NO_CHANGES }, [BAD]: { real: true } },
        { AIVEN_TOKEN: "test-token", TF_CLI_CONFIG_FILE: config },
      );
    } finally {
      fs.rmSync(noProviders, { recursive: true, force: true });
    }
    expect(run.code).toBe(1);
    const failure = fs.readFileSync(record(PLAN_RECORDS.failure(BAD)), "utf8");
    expect(failure.split("\n")[0]).toBe("terraform init exited 1");
    expect(failure).toMatch(/aiven\/aiven/);
    expect(failure).not.toContain(ESC);
  });

  it("never lets a plan from an earlier run stand in for a failed one", () => {
    fs.mkdirSync(plansDir(), { recursive: true });
    fs.writeFileSync(record(PLAN_RECORDS.plan(BAD)), NO_CHANGES);
    const staleTfplan = path.join(project.stack(BAD).workingDirectory, "tfplan");
    fs.writeFileSync(staleTfplan, "stale");
    planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { planFails: true } });
    expect(fs.existsSync(record(PLAN_RECORDS.plan(BAD)))).toBe(false);
    expect(fs.existsSync(staleTfplan)).toBe(false);
  });

  it("exits 0 when every stack has a plan", () => {
    const run = planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } });
    expect(run.code).toBe(0);
    expect(fs.readdirSync(plansDir()).sort()).toEqual([PLAN_RECORDS.plan(GOOD), PLAN_RECORDS.plan(BAD)].sort());
  });

  it("without AIVEN_TOKEN (a pull request from a fork) plans nothing, records why, and exits 1", () => {
    const run = planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } }, { AIVEN_TOKEN: "" });
    expect(run.code).toBe(1);
    expect(run.calls).toEqual([]);
    expect(fs.readdirSync(plansDir())).toEqual([PLAN_RECORDS.notPlanned]);
    expect(fs.readFileSync(record(PLAN_RECORDS.notPlanned), "utf8")).toMatch(/^no credentials: AIVEN_TOKEN is empty/);
  });
});

describe("the review of the plan loop's output (--plans-dir)", () => {
  it("turns a stack whose plan failed into a danger with terraform's error, reviews the others, exits 3 and writes the comment", () => {
    planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { planFails: true } });
    const result = review("--out", "review.md");
    expect(result.code).toBe(3);
    const md = fs.readFileSync(path.join(project.dir, "review.md"), "utf8");
    expect(md.split("\n")[1]).toBe("## 🛑 CRDR plan review: 1 danger");
    expect(md).toContain(`Stacks \`${GOOD}\`, \`${BAD}\``);
    expect(md).toContain(`[plan \`${BAD}\`] the plan of stack ${BAD} failed: terraform plan exited 1`);
    expect(md).toContain("  │ Error: Invalid credentials\n  │ 401 Unauthorized: the token was refused");
    expect(md).not.toContain(ESC);
  });

  it("says 'not reviewed: no credentials' and exits 3 when nothing could be planned: never a pass", () => {
    planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } }, { AIVEN_TOKEN: "" });
    const result = review("--json");
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({
      verdict: "not-reviewed",
      notReviewed: expect.stringMatching(/^no credentials: AIVEN_TOKEN is empty/),
    });
    const md = review().stdout;
    expect(md.split("\n")[1]).toBe("## ⛔ CRDR plan review: not reviewed (no credentials)");
    expect(md).toContain("this is **not** a pass");
  });

  it("calls a declared stack that left no record a danger", () => {
    planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } });
    fs.rmSync(record(PLAN_RECORDS.plan(BAD)));
    const result = review("--json");
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout).findings).toEqual([
      expect.objectContaining({
        rule: "plan-failed",
        severity: "danger",
        plan: BAD,
        message: `no plan was made for stack ${BAD}: the plan loop left neither a plan nor an error for it`,
      }),
    ]);
  });

  it("calls a plan file that is not a plan a danger for its stack, and still reviews the others", () => {
    planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: "Error: not JSON at all" } });
    const result = review("--json");
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout);
    expect(report.stacks).toEqual([GOOD, BAD]);
    expect(report.findings).toEqual([
      expect.objectContaining({
        rule: "plan-failed",
        plan: BAD,
        message: `the plan of stack ${BAD} could not be read`,
        detail: expect.stringMatching(/is not JSON/),
      }),
    ]);
  });

  it("passes when every stack planned and nothing is dangerous", () => {
    planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } });
    const result = review("--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: "ok", stacks: [GOOD, BAD] });
  });

  it("refuses a plans directory that does not exist, and still writes a failed-review comment", () => {
    fs.rmSync(plansDir(), { recursive: true, force: true });
    const result = review("--out", "review.md");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--plans-dir plans is not a directory; pass the directory the plan loop/);
    const md = fs.readFileSync(path.join(project.dir, "review.md"), "utf8");
    expect(md).toMatch(/^<!-- crdr-plan-review -->\n## 🛑 CRDR plan review failed\n/);
    expect(md).toContain("this is **not** a pass");
  });

  it("on CI (--require-shared-state), calls every stack whose state is local 'not reviewed', saying what to set: never a pass", () => {
    planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } });
    expect(review("--json").code).toBe(0);
    const result = review("--json", "--require-shared-state");
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ verdict: "not-reviewed", stacks: [GOOD, BAD] });
    expect(report.notReviewed).toContain(
      `stack ${GOOD} keeps its state in a local file, which this CI machine does not have`,
    );
    expect(report.notReviewed).toContain(`stack ${BAD} keeps its state in a local file`);
    expect(report.notReviewed).toContain("Set the repository variable CRDR_BACKEND");
    const md = review("--require-shared-state").stdout;
    expect(md.split("\n")[1]).toBe(
      `## ⛔ CRDR plan review: not reviewed (stack ${GOOD} keeps its state in a local file, which this CI machine does not have)`,
    );
  });

  it("on CI, reviews stacks whose state is in a shared backend", () => {
    try {
      synthesize(project.dir, {
        ...process.env,
        ...FLEET,
        CRDR_BACKEND: JSON.stringify({ type: "http", address: "http://127.0.0.1:9/state" }),
      });
      planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } });
      const result = review("--json", "--require-shared-state");
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ verdict: "ok", stacks: [GOOD, BAD] });
    } finally {
      synthesize(project.dir, { ...process.env, ...FLEET, CRDR_BACKEND: "" });
    }
  });

  it("names every pair's phase change in the headline, also of a stack whose plan failed or when nothing could be planned", () => {
    const base = path.join(project.dir, "base-phases.json");
    fs.writeFileSync(base, JSON.stringify({ version: 1, pairs: {} }));
    project.writePhases({
      [BAD]: { phase: "switched-over", operation: "switchover", runId: "switchover-1", since: "2026-11-01T10:00:00Z" },
    });
    try {
      planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { planFails: true } });
      expect(review("--base-phase-file", base).stdout.split("\n")[1]).toBe(
        `## 🛑 CRDR plan review: 1 danger · phase ${BAD}: normal → switched-over`,
      );
      planLoop({ [GOOD]: { showJson: NO_CHANGES }, [BAD]: { showJson: NO_CHANGES } }, { AIVEN_TOKEN: "" });
      expect(review("--base-phase-file", base).stdout.split("\n")[1]).toBe(
        `## ⛔ CRDR plan review: not reviewed (no credentials) · phase ${BAD}: normal → switched-over`,
      );
    } finally {
      fs.rmSync(base);
      project.clearPhases();
    }
  });
});
