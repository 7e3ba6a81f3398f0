import * as fs from "fs";
import * as path from "path";
import { startChild } from "../support/child-processes";
import { ProjectFixture, REPO } from "../support/project-fixture";

const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");

function review(
  project: ProjectFixture,
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = startChild(process.execPath, [path.join(REPO, "dist", "scripts", "plan-review.js"), ...args], {
      cwd: project.dir,
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin!.end(stdin ?? "");
  });
}

describe("npm run plan:review", () => {
  let project: ProjectFixture;
  beforeAll(() => {
    project = ProjectFixture.create();
    project.synth();
  });
  afterAll(() => project.remove());

  it("prints the Markdown comment and exits 3 on danger", async () => {
    const result = await review(project, [path.join(FIXTURES, "dangerous.json")]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^<!-- crdr-plan-review -->\n## 🛑 CRDR plan review: 2 dangers, 1 warning/);
  });

  it("exits 0 on warnings unless --fail-on warning", async () => {
    const plan = JSON.parse(fs.readFileSync(path.join(FIXTURES, "dangerous.json"), "utf8"));
    plan.resource_changes = plan.resource_changes.slice(2);
    const file = path.join(project.dir, "warning.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    expect((await review(project, [file])).code).toBe(0);
    expect((await review(project, [file, "--fail-on", "warning"])).code).toBe(3);
  });

  it("reads stdin with -, and writes JSON to --out", async () => {
    const out = path.join(project.dir, "review.json");
    const result = await review(
      project,
      ["-", "--json", "--out", out],
      fs.readFileSync(path.join(FIXTURES, "no-changes.json"), "utf8"),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(JSON.parse(fs.readFileSync(out, "utf8"))).toMatchObject({
      verdict: "ok",
      counts: { add: 0, change: 0, destroy: 0, replace: 0, import: 0, forget: 0 },
      findings: [],
    });
  });

  it("uses the phase file: the forget after a failover is info, an update of the failed primary is danger", async () => {
    project.writePhases({ "pg-primary": { phase: "failed-over", primary: "frozen" } });
    try {
      const result = await review(project, [
        path.join(FIXTURES, "every-action.json"),
        "--json",
        "--stack",
        "pg-primary",
      ]);
      const report = JSON.parse(result.stdout);
      expect(report.findings).toContainEqual(
        expect.objectContaining({ rule: "forget-explained", severity: "info", stack: "pg-primary" }),
      );
      expect(report.findings).toContainEqual(
        expect.objectContaining({ rule: "failed-primary-changed", severity: "danger" }),
      );
      expect(result.code).toBe(3);
    } finally {
      project.clearPhases();
    }
  });

  it("refuses a file that is not a plan, an unreadable path and an unknown stack, each in one sentence", async () => {
    const notPlan = await review(project, [path.join(FIXTURES, "not-a-plan-state.json")]);
    expect(notPlan.code).toBe(2);
    expect(notPlan.stderr).toMatch(/is not a Terraform plan; pass the output of "terraform show -json <planfile>"/);
    const missing = await review(project, ["nope.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read the plan nope.json \(ENOENT\)/);
    const stack = await review(project, [path.join(FIXTURES, "empty.json"), "--stack", "nope"]);
    expect(stack.code).toBe(2);
    expect(stack.stderr).toMatch(/--stack "nope" is not a synthesized pair \("pg-primary"\)/);
  });

  it("merges STACK=FILE plans into one comment with the worst verdict and summed counts", async () => {
    const result = await review(project, [
      `pg-primary=${path.join(FIXTURES, "dangerous.json")}`,
      `pg-primary=${path.join(FIXTURES, "no-changes.json")}`,
    ]);
    expect(result.code).toBe(3);
    expect(result.stdout.match(/<!-- crdr-plan-review -->/g)).toHaveLength(1);
    expect(result.stdout).toContain("Stacks `pg-primary`, `pg-primary`");
    expect(result.stdout).toContain("| `pg-primary: aiven_pg.primary` | replace (destroy before create) |");
  });

  it("writes a failed-review comment to --out when it refuses its input, so no earlier verdict stays", async () => {
    const out = path.join(project.dir, "failed.md");
    fs.writeFileSync(out, "<!-- crdr-plan-review -->\n## ✅ an earlier review");
    const result = await review(project, [path.join(FIXTURES, "not-a-plan-state.json"), "--out", out]);
    expect(result.code).toBe(2);
    expect(fs.readFileSync(out, "utf8")).toMatch(
      /^<!-- crdr-plan-review -->\n## 🛑 CRDR plan review failed\n[\s\S]*is not a Terraform plan/,
    );
  });

  it("refuses no plans, and plan files together with --plans-dir, in one sentence each", async () => {
    const none = await review(project, []);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/No plans given; pass plan files \(STACK=FILE, or - for stdin\) or --plans-dir DIR\./);
    const both = await review(project, ["--plans-dir", "plans", "x.json"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/Pass either --plans-dir or plan files, not both/);
  });

  it("says where a garbled plan breaks, and never echoes the bytes around it: not to stderr, the JSON of --plans-dir, nor the comment", async () => {
    // A real plan (fixtures/plans/from-terraform) with one byte garbled just before a sensitive value.
    const SECRET = "business-32-sensitive";
    const text = fs.readFileSync(path.join(FIXTURES, "tf-sensitive-recovery-plan.json"), "utf8");
    const at = text.indexOf(`"${SECRET}"`);
    expect(at).toBeGreaterThan(0);
    const garbled = text.slice(0, at - 1) + "\u0007" + text.slice(at);
    const line = text.slice(0, at).split("\n").length;
    const file = path.join(project.dir, "garbled.json");
    const out = path.join(project.dir, "garbled.md");
    fs.writeFileSync(file, garbled);
    const plans = path.join(project.dir, "garbled-plans");
    fs.mkdirSync(plans);
    fs.writeFileSync(path.join(plans, "pg-primary.json"), garbled);
    try {
      const direct = await review(project, [file, "--out", out]);
      expect(direct.code).toBe(2);
      expect(direct.stderr).toContain(`garbled.json is not JSON (it breaks at line ${line}, column `);
      expect(direct.stderr).toContain("make the plan again");
      const dir = await review(project, ["--plans-dir", plans, "--json"]);
      expect(JSON.parse(dir.stdout).findings).toEqual([
        expect.objectContaining({
          rule: "plan-failed",
          detail: expect.stringContaining(`is not JSON (it breaks at line ${line}`),
        }),
      ]);
      for (const shown of [direct.stderr, direct.stdout, fs.readFileSync(out, "utf8"), dir.stdout, dir.stderr]) {
        expect(shown).not.toContain(SECRET);
        expect(shown).not.toMatch(/business|sensitive"/);
      }
    } finally {
      fs.rmSync(plans, { recursive: true, force: true });
    }
  });

  it("compares the phase file with the base branch's (--base-phase-file): a failover recorded by hand is a danger, and the headline names the phase change", async () => {
    const base = path.join(project.dir, "base-phases.json");
    fs.writeFileSync(base, JSON.stringify({ version: 1, pairs: {} }));
    project.writePhases({ "pg-primary": { phase: "failed-over", primary: "forgotten" } });
    try {
      const plan = path.join(FIXTURES, "tf-forget-primary-and-link.json");
      // Without the base, the hand-written record makes the forget of the production primary look expected.
      expect((await review(project, [plan, "--stack", "pg-primary"])).code).toBe(0);
      const result = await review(project, [plan, "--stack", "pg-primary", "--base-phase-file", base]);
      expect(result.code).toBe(3);
      expect(result.stdout.split("\n")[1]).toBe(
        "## 🛑 CRDR plan review: 1 danger · phase pg-primary: normal → failed-over (primary forgotten)",
      );
      expect(result.stdout).toContain("the phase file moves pg-primary from normal to failed-over (primary forgotten)");
      // A missing base file: every pair was normal there.
      fs.rmSync(base);
      expect((await review(project, [plan, "--stack", "pg-primary", "--base-phase-file", base])).code).toBe(3);
    } finally {
      project.clearPhases();
      fs.rmSync(base, { force: true });
    }
  });

  it("compares each pair's file with the base branch's phase folder (--base-phases), or with its old single file before the migration", async () => {
    const baseDir = path.join(project.dir, "base", "crdr-phases");
    const record = {
      phase: "failed-over",
      primary: "forgotten",
      operation: "failover",
      runId: "failover-1",
      since: "2026-11-01T10:00:00Z",
    };
    project.writePhases({ "pg-primary": record });
    const plan = path.join(FIXTURES, "tf-forget-primary-and-link.json");
    const headline = async (base: string) => {
      const result = await review(project, [plan, "--stack", "pg-primary", "--base-phases", base]);
      return { code: result.code, headline: result.stdout.split("\n")[1], stderr: result.stderr };
    };
    try {
      // The base branch recorded the same failover in the pair's own file: no phase change.
      fs.mkdirSync(baseDir, { recursive: true });
      fs.writeFileSync(path.join(baseDir, "pg-primary.json"), JSON.stringify({ version: 1, ...record }));
      const same = await headline(baseDir);
      expect(same.code).toBe(0);
      expect(same.headline).not.toContain("· phase");
      // A base branch before the migration: its old single file, named by itself or by the folder beside it.
      fs.rmSync(baseDir, { recursive: true });
      fs.writeFileSync(`${baseDir}.json`, JSON.stringify({ version: 1, pairs: {} }));
      for (const base of [`${baseDir}.json`, baseDir]) {
        const moved = await headline(base);
        // A failover as the tooling records it: shown, and no danger.
        expect(moved.code).toBe(0);
        expect(moved.headline).toMatch(/^## ✅ .* · phase pg-primary: normal → failed-over \(primary forgotten\)$/);
      }
      // Both on the base branch, disagreeing: refused, one sentence.
      fs.mkdirSync(baseDir);
      fs.writeFileSync(path.join(baseDir, "pg-primary.json"), JSON.stringify({ version: 1, ...record }));
      const both = await headline(baseDir);
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(
        /^✖ The phase folder .*base\/crdr-phases and the old phase file .*base\/crdr-phases\.json both exist and disagree on "pg-primary"; keep the one that is right \(the tooling now writes the folder\), delete the other, then rerun\.\n$/,
      );
    } finally {
      project.clearPhases();
      fs.rmSync(path.join(project.dir, "base"), { recursive: true, force: true });
    }
  });
});
