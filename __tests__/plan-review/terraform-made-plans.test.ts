import * as fs from "fs";
import * as path from "path";
import { PhaseRecord } from "../../lib/phase/phase-record";
import { GITHUB_COMMENT_LIMIT, markdownReport } from "../../lib/plan-review/markdown-report";
import { failsAt, reviewPlan } from "../../lib/plan-review/review";
import { parsePlan } from "../../lib/plan-review/terraform-plan";
import { context } from "../support/plan-builder";

/**
 * Plans made by the real terraform from terraform_data resources, retyped onto
 * the pair's resources (fixtures/plans/from-terraform/build.js), reviewed as
 * the plan of stack pg-primary.
 */
const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const json = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));
const review = (doc: unknown, phase: PhaseRecord = { phase: "normal" }) =>
  reviewPlan(parsePlan(JSON.stringify(doc), "fixture"), context(phase, "pg-primary"));
const rulesOf = (r: ReturnType<typeof review>) => r.findings.map((f) => [f.rule, f.severity, f.address]);

const NORMAL: PhaseRecord = { phase: "normal" };
const FROZEN: PhaseRecord = { phase: "failed-over", primary: "frozen" };
const FORGOTTEN: PhaseRecord = { phase: "failed-over", primary: "forgotten" };
const SWITCHED: PhaseRecord = { phase: "switched-over" };

describe("a module holding another team's services at the pair's resource names", () => {
  it.each([NORMAL, FROZEN, FORGOTTEN, SWITCHED])(
    "raises nothing against the pair in phase %j, and still counts the changes",
    (phase) => {
      const result = review(json("tf-foreign-module"), phase);
      expect(result.findings.filter((f) => f.stack !== undefined)).toEqual([]);
      expect(result.findings.filter((f) => f.severity !== "info")).toEqual([]);
      expect(failsAt(result, "warning")).toBe(false);
      expect(result.counts).toMatchObject({ change: 1, forget: 1 });
      expect(rulesOf(result)).toEqual([["forget-explained", "info", "module.other.aiven_pg.recovery"]]);
    },
  );
});

describe("removed blocks forgetting the primary and the DR link", () => {
  const plan = json("tf-forget-primary-and-link");

  it("are a danger in phase normal, and the comment says so in its dangers", () => {
    const result = review(plan, NORMAL);
    expect(result.verdict).toBe("danger");
    expect(rulesOf(result)).toEqual([
      ["forget-unexpected", "danger", "aiven_pg.primary"],
      ["forget-unexpected", "warning", "aiven_service_integration.disaster_recovery"],
    ]);
    const md = markdownReport(result);
    expect(md.slice(md.indexOf("### Dangers"), md.indexOf("Warnings"))).toContain(
      "**`aiven_pg.primary`** (pg-primary) — aiven_pg.primary (the primary of pg-primary) is forgotten",
    );
  });

  it("after a failover that recorded the primary frozen: the link is expected, the primary's forget a warning", () => {
    const result = review(plan, FROZEN);
    expect(rulesOf(result)).toEqual([
      ["forget-unexpected", "warning", "aiven_pg.primary"],
      ["forget-explained", "info", "aiven_service_integration.disaster_recovery"],
    ]);
    expect(result.findings[0].why).toMatch(/frozen/);
  });

  it("after a failover that recorded the primary forgotten: both expected, nothing to warn about", () => {
    const result = review(plan, FORGOTTEN);
    expect(result.verdict).toBe("ok");
    expect(rulesOf(result)).toEqual([
      ["forget-explained", "info", "aiven_service_integration.disaster_recovery"],
      ["forget-explained", "info", "aiven_pg.primary"],
    ]);
  });

  it("while switched over: warnings", () => {
    expect(review(plan, SWITCHED).findings.map((f) => f.severity)).toEqual(["warning", "warning"]);
  });
});

describe("a -target plan", () => {
  it("warns that the plan is incomplete and names what it leaves out", () => {
    const result = review(json("tf-target-primary"));
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        rule: "incomplete-plan",
        severity: "warning",
        message:
          "the plan leaves out 2 objects in state (aiven_service_integration.disaster_recovery, aiven_pg.recovery): a -target (or -refresh-only) plan",
      }),
    );
    expect(result.verdict).toBe("warning");
  });
});

describe("a moved block renaming a pinned address", () => {
  it("is a danger", () => {
    const result = review(json("tf-moved-recovery"));
    expect(result.findings).toEqual([
      expect.objectContaining({
        rule: "pinned-address-moved",
        severity: "danger",
        address: "aiven_pg.replica",
        message: "aiven_pg.recovery moves to aiven_pg.replica (the recovery of pg-primary)",
      }),
    ]);
  });
});

describe("replaces Terraform has a reason for", () => {
  it("show the reason on each danger: a tainted primary, a DR link replaced on request", () => {
    const result = review(json("tf-tainted-and-replace-requested"));
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        rule: "pg-destroyed",
        address: "aiven_pg.primary",
        reason: expect.stringMatching(/^replace_because_tainted: it is tainted/),
      }),
    );
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        rule: "dr-integration-removed",
        address: "aiven_service_integration.disaster_recovery",
        reason: "replace_by_request: someone asked for it with -replace",
      }),
    );
    const md = markdownReport(result);
    expect(md).toContain(
      "PostgreSQL service primary of pg-primary is replaced\n  <br>Terraform's reason: replace_because_tainted: it is tainted",
    );
    expect(md).toContain("| `aiven_pg.primary` | replace (destroy before create; replace_because_tainted) |");
    // Once per finding that carries it (pg-destroyed, dr-integration-removed, replace-reason ×2 grouped or not), never doubled as a why.
    expect(md).not.toMatch(/Terraform's reason: [^\n]*\n\s*<br>_Terraform's reason/);
    expect(md.match(/replace_because_tainted: it is tainted/g)).toHaveLength(2);
  });
});

describe("a deposed object", () => {
  it("is marked as deposed on its danger and in the changes", () => {
    const result = review(json("tf-deposed-primary"));
    expect(result.findings).toContainEqual(
      expect.objectContaining({ rule: "pg-destroyed", severity: "danger", deposed: "5f2e8a1c" }),
    );
    const md = markdownReport(result);
    expect(md).toContain(
      "**`aiven_pg.primary`** (deposed object 5f2e8a1c) (pg-primary) — PostgreSQL service primary of pg-primary is deleted",
    );
    expect(md).toContain("| `aiven_pg.primary` | delete (deposed object 5f2e8a1c) |");
  });
});

describe("a sensitive variable", () => {
  const SECRET = "business-32-sensitive";

  it.each([NORMAL, FROZEN, FORGOTTEN, SWITCHED])("never reaches the Markdown or the JSON (phase %j)", (phase) => {
    const plan = json("tf-sensitive-recovery-plan");
    expect(JSON.stringify(plan)).toContain(SECRET);
    // Without the recovery's own change, the review looks for its plan in prior_state, where it is masked.
    const withoutRecovery = {
      ...plan,
      resource_changes: plan.resource_changes.filter((c: { address: string }) => c.address !== "aiven_pg.recovery"),
    };
    for (const doc of [plan, withoutRecovery]) {
      const result = review(doc, phase);
      expect(JSON.stringify(result)).not.toContain(SECRET);
      expect(markdownReport(result)).not.toContain(SECRET);
    }
  });
});

describe("a plan of a thousand changes", () => {
  /** The real delete of another team's service, a thousand times over, with the pair's tainted primary and a moved pinned address among them. */
  function thousandDeletes() {
    const plan = json("tf-delete-other-services");
    const [template] = plan.resource_changes.filter(
      (c: { change: { actions: string[] } }) => c.change.actions[0] === "delete",
    );
    const link = plan.resource_changes.find(
      (c: { address: string }) => c.address === "aiven_service_integration.disaster_recovery",
    );
    const deletes = Array.from({ length: 1000 }, (_, i) => ({
      ...template,
      address: `module.other.aiven_pg.svc[${i}]`,
      index: i,
      change: { ...template.change, before: { ...template.change.before, service_name: `other-${i}` } },
    }));
    const tainted = json("tf-tainted-and-replace-requested").resource_changes.find(
      (c: { address: string }) => c.address === "aiven_pg.primary",
    );
    const moved = json("tf-moved-recovery").resource_changes.find(
      (c: { address: string }) => c.address === "aiven_pg.replica",
    );
    return { ...plan, resource_changes: [...deletes, tainted, moved, link] };
  }

  it("shows every distinct danger within GitHub's limit, the pair's own apart from the crowd, and says what it destroys", () => {
    const result = review(thousandDeletes());
    const md = markdownReport(result);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.split("\n")[1]).toBe("## 🛑 CRDR plan review: 1002 dangers · destroys 1000, replaces 1 (aiven_pg ×1001)");
    const dangers = md.slice(
      md.indexOf("### Dangers"),
      md.indexOf("<details open><summary><b>Warnings") === -1
        ? undefined
        : md.indexOf("<details open><summary><b>Warnings"),
    );
    expect(dangers).toContain(
      "- **`aiven_pg.primary`** (pg-primary) — PostgreSQL service primary of pg-primary is replaced",
    );
    expect(dangers).toContain("- **`aiven_pg.replica`** (pg-primary) — aiven_pg.recovery moves to aiven_pg.replica");
    expect(dangers).toContain("- **1000 × `pg-destroyed`** — _Deleting or replacing an aiven_pg destroys the database");
    // The pair's own dangers come before the crowd of others.
    expect(dangers.indexOf("**`aiven_pg.primary`** (pg-primary)")).toBeLessThan(
      dangers.indexOf("1000 × `pg-destroyed`"),
    );
    expect(md.match(/Deleting or replacing an aiven_pg destroys the database/g)).toHaveLength(2);
  });

  it("still says what a ✅ plan destroys", () => {
    const plan = json("tf-delete-other-services");
    const result = reviewPlan(
      parsePlan(
        JSON.stringify({
          ...plan,
          prior_state: undefined,
          resource_changes: plan.resource_changes.map((c: any) => ({
            ...c,
            type: "null_resource",
            address: c.address.replace("aiven_pg", "null_resource"),
          })),
        }),
        "fixture",
      ),
      context(NORMAL, "pg-primary"),
    );
    expect(markdownReport(result).split("\n")[1]).toBe(
      "## ✅ CRDR plan review: nothing dangerous for the DR pairs, but it destroys 3 (null_resource ×3)",
    );
  });
});

describe("the cases of issue 20, each a plan terraform made", () => {
  it("a module importing the pair's primary to a second address is a danger", () => {
    const result = review(json("tf-shadow-import"));
    expect(result.verdict).toBe("danger");
    expect(rulesOf(result)).toContainEqual(["second-pg-manager", "danger", "module.shadow.aiven_pg.primary"]);
  });

  it("a module declaring its own service under the pair's primary's name is a danger", () => {
    expect(rulesOf(review(json("tf-shadow-service")))).toContainEqual([
      "second-pg-manager",
      "danger",
      "module.shadow.aiven_pg.db",
    ]);
  });

  it("re-creating the DR link after a failover is a danger", () => {
    const result = review(json("tf-recreate-link-after-failover"), FROZEN);
    expect(result.verdict).toBe("danger");
    expect(rulesOf(result)).toContainEqual([
      "second-dr-integration",
      "danger",
      "aiven_service_integration.disaster_recovery",
    ]);
    expect(review(json("tf-recreate-link-after-failover"), NORMAL).verdict).toBe("ok");
  });

  it("a primary moved to a Hobbyist plan is a danger beside the divergence warning", () => {
    expect(rulesOf(review(json("tf-primary-to-hobbyist")))).toEqual([
      ["plan-without-crdr", "danger", "aiven_pg.primary"],
      ["plan-divergence", "warning", "aiven_pg.primary"],
    ]);
  });

  it("a recorded pair planned against empty state is a danger, not a create-only pass", () => {
    const recorded: PhaseRecord = {
      phase: "normal",
      operation: "revert",
      runId: "revert-1",
      since: "2026-11-01T10:00:00Z",
    };
    const result = review(json("tf-pair-on-empty-state"), recorded);
    expect(result.verdict).toBe("danger");
    expect(rulesOf(result).filter(([rule]) => rule === "pair-state-missing")).toEqual([
      ["pair-state-missing", "danger", "aiven_pg.primary"],
      ["pair-state-missing", "danger", "aiven_pg.recovery"],
    ]);
  });
});
