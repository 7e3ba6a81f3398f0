import * as fs from "fs";
import * as path from "path";
import { markdownReport, COMMENT_MARKER, GITHUB_COMMENT_LIMIT } from "../../lib/plan-review/markdown-report";
import { reviewPlan } from "../../lib/plan-review/review";
import { PLAN_RULES } from "../../lib/plan-review/rules";
import { kindOf, parsePlan } from "../../lib/plan-review/terraform-plan";
import { context } from "../support/plan-builder";

const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8");
const review = (name: string, ctx = context()) => reviewPlan(parsePlan(fixture(name), name), ctx);

describe("reading Terraform's JSON plan", () => {
  it.each([
    [["no-op"], "no-op"],
    [["create"], "create"],
    [["read"], "read"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["forget"], "forget"],
  ])("classifies %j as %s", (actions, kind) => {
    expect(kindOf(actions)).toBe(kind);
  });

  it("reads every action, both replace orders, imports and action reasons", () => {
    const plan = parsePlan(fixture("every-action"), "every-action");
    expect(plan.changes.map((c) => [c.address, c.kind])).toEqual([
      ["aiven_pg.recovery", "no-op"],
      ["data.aiven_pg.lookup", "read"],
      ["aiven_pg.primary", "update"],
      ["aws_s3_bucket.logs", "create"],
      ["aws_instance.old", "delete"],
      ["aws_instance.web", "replace"],
      ["aws_instance.api", "replace"],
      ["aiven_service_integration.disaster_recovery", "forget"],
      ["aiven_pg.imported", "no-op"],
    ]);
    expect(plan.changes.find((c) => c.address === "aws_instance.api")!.createBeforeDestroy).toBe(true);
    expect(plan.changes.find((c) => c.address === "aws_instance.web")).toMatchObject({
      createBeforeDestroy: false,
      actionReason: "replace_because_cannot_update",
      replacePaths: [["ami"]],
    });
    expect(plan.changes.find((c) => c.address === "aiven_pg.imported")!.importing).toEqual({
      id: "crdr-test/pg-primary-dr",
    });
  });

  it("counts add, change, destroy, replace, import and forget", () => {
    expect(review("every-action").counts).toEqual({ add: 1, change: 1, destroy: 1, replace: 2, import: 1, forget: 1 });
  });

  it.each([
    [
      "not-a-plan-state",
      /is not a Terraform plan; pass the output of "terraform show -json <planfile>", which has format_version and resource_changes\./,
    ],
    [
      "show-json-of-state",
      /is not a Terraform plan \(it looks like state, from terraform show -json without a plan file\)/,
    ],
    ["future-format", /has plan format_version 2\.0, but this review understands 1\.x/],
  ])("refuses %s with a sentence saying what was expected", (name, message) => {
    expect(() => parsePlan(fixture(name), name)).toThrow(message);
  });

  it("refuses text that is not JSON", () => {
    expect(() => parsePlan("Plan: 1 to add", "plan.txt")).toThrow(
      'plan.txt is not JSON (it breaks at line 1, column 1 (byte offset 0)); the file is damaged or is not what terraform printed: make the plan again and pass the output of "terraform show -json <planfile>".',
    );
  });
});

describe("reviewing plans", () => {
  it("flags the dangers of a destructive plan, most severe first", () => {
    const result = review("dangerous");
    expect(result.verdict).toBe("danger");
    expect(result.findings.map((f) => [f.rule, f.severity])).toEqual([
      ["pg-destroyed", "danger"],
      ["dr-integration-removed", "danger"],
      ["termination-protection-off", "warning"],
    ]);
  });

  it("invents no finding for unrelated resources, unknown fields or other providers' replaces", () => {
    const result = review("unrelated-providers");
    expect(result.findings).toEqual([]);
    expect(result.verdict).toBe("ok");
    expect(result.counts).toEqual({ add: 1, change: 1, destroy: 1, replace: 1, import: 0, forget: 0 });
  });

  it("is quiet on plans with no changes, and on empty plans", () => {
    expect(review("no-changes")).toMatchObject({ verdict: "ok", findings: [], changes: [] });
    expect(review("empty")).toMatchObject({ verdict: "ok", findings: [] });
  });

  it("treats the forget after a failover as information, not danger", () => {
    const result = review("every-action", context({ phase: "failed-over", primary: "frozen" }));
    const forget = result.findings.find((f) => f.rule === "forget-explained")!;
    expect(forget.severity).toBe("info");
    expect(forget.why).toMatch(/^Expected after the failover/);
    // The frozen primary's update is a danger in this phase.
    expect(result.findings.find((f) => f.rule === "failed-primary-changed")).toMatchObject({
      severity: "danger",
      address: "aiven_pg.primary",
    });
  });

  it("flags an errored plan", () => {
    expect(review("errored").findings).toEqual([expect.objectContaining({ rule: "plan-errored", severity: "danger" })]);
  });

  it("never prints sensitive values", () => {
    const result = review("every-action", context({ phase: "failed-over", primary: "frozen" }));
    expect(JSON.stringify(result)).not.toContain("s3cr3t-pw-value");
    expect(markdownReport(result)).not.toContain("s3cr3t-pw-value");
  });
});

describe("the Markdown comment", () => {
  it("leads with the verdict, then the counts, then the dangers with why they matter, details folded", () => {
    const md = markdownReport(review("dangerous"));
    const lines = md.split("\n");
    expect(lines[0]).toBe(COMMENT_MARKER);
    expect(lines[1]).toBe(
      "## 🛑 CRDR plan review: 2 dangers, 1 warning · destroys 1, replaces 1 (aiven_pg ×1, aiven_service_integration ×1)",
    );
    expect(md.indexOf("| add | change | destroy | replace | import | forget |")).toBeLessThan(
      md.indexOf("### Dangers"),
    );
    expect(md).toContain("| 0 | 1 | 1 | 1 | 0 | 0 |");
    expect(md).toMatch(
      /### Dangers\n\n- \*\*`aiven_pg.primary`\*\* \(pg-primary\) — PostgreSQL service primary of pg-primary is replaced \(forced by project\)\n {2}<br>_Deleting or replacing an aiven_pg destroys the database/,
    );
    expect(md).toMatch(/<details open><summary><b>Warnings<\/b> \(1\)<\/summary>/);
    expect(md).toMatch(/<details><summary>All changes \(3\)<\/summary>/);
  });

  it("says plainly when nothing is dangerous", () => {
    expect(markdownReport(review("no-changes")).split("\n")[1]).toBe(
      "## ✅ CRDR plan review: nothing dangerous for the DR pairs",
    );
  });

  it("stays within GitHub's comment limit: one line per rule and why, lists shortened with a note, folds closed", () => {
    const changes = Array.from({ length: 3000 }, (_, i) => ({
      address: `aiven_pg.svc_${i}`,
      type: "aiven_pg",
      name: `svc_${i}`,
      mode: "managed",
      change: { actions: ["delete"], before: { service_name: `svc-${i}`, project: "crdr-test" }, after: null },
    }));
    const big = JSON.stringify({ format_version: "1.2", resource_changes: changes });
    const md = markdownReport(reviewPlan(parsePlan(big, "big"), context()));
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.split("\n")[1]).toBe("## 🛑 CRDR plan review: 3000 dangers · destroys 3000 (aiven_pg ×3000)");
    expect(md.match(/Deleting or replacing an aiven_pg destroys the database/g)).toHaveLength(1);
    expect(md).toContain("- **3000 × `pg-destroyed`** — _Deleting or replacing an aiven_pg destroys the database");
    expect(md).toMatch(/ more; `npm run plan:review -- --json` lists them all\./);
    expect(md).toMatch(
      /✂️ Shortened to fit GitHub's comment limit; run `npm run plan:review -- --json` for the full report\.$/,
    );
    expect((md.match(/<details/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
  });

  it("as a last resort drops lines from the end, says how many, and closes its fold", () => {
    const findings = Array.from({ length: 400 }, (_, i) => ({
      rule: `rule-${i}`,
      severity: "warning" as const,
      message: `finding ${i}`,
      why: `a why of its own, number ${i}`,
    }));
    const md = markdownReport(
      {
        verdict: "warning",
        counts: { add: 0, change: 0, destroy: 0, replace: 0, import: 0, forget: 0 },
        findings,
        stacks: [],
        changes: [],
      },
      4000,
    );
    expect(md.length).toBeLessThanOrEqual(4000);
    expect(md).toMatch(
      /✂️ \d+ lines left out to fit GitHub's comment limit; run `npm run plan:review -- --json` for the full report\.$/,
    );
    expect((md.match(/<details/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
  });
});

describe("the rule set", () => {
  it("has one file and one test file per rule", () => {
    for (const rule of PLAN_RULES) {
      expect(fs.existsSync(path.join(__dirname, "..", "..", "lib", "plan-review", "rules", `${rule.id}.ts`))).toBe(
        true,
      );
      expect(fs.existsSync(path.join(__dirname, "rules", `${rule.id}.test.ts`))).toBe(true);
    }
  });
});
