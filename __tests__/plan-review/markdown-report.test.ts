import { COMMENT_MARKER, markdownReport, reviewFailedReport } from "../../lib/plan-review/markdown-report";
import { mergeResults, notReviewedResult, reviewPlan } from "../../lib/plan-review/review";
import { stackPlanFailed } from "../../lib/plan-review/stack-not-planned";
import { context, pairManifest, PG_PRIMARY, plan } from "../support/plan-builder";

const PAIRS = [pairManifest("pg-primary"), pairManifest("orders", "orders")];
const deletes = (...names: string[]) =>
  plan(
    names.map((n, i) => ({
      address: `module.other.aiven_pg.svc_${i}`,
      actions: ["delete"],
      before: { ...PG_PRIMARY, service_name: n },
    })),
  );

describe("the Markdown comment", () => {
  it("says which plan each finding came from when several stacks are reviewed", () => {
    const primaryStack = reviewPlan(
      plan([{ address: "aiven_pg.primary", actions: ["delete"], before: PG_PRIMARY }]),
      context({ phase: "normal" }, "pg-primary", PAIRS),
    );
    const ordersStack = reviewPlan(
      plan([{ address: "aiven_pg.primary", actions: ["delete"], before: { ...PG_PRIMARY, service_name: "orders" } }]),
      context({ phase: "normal" }, "orders", PAIRS),
    );
    const md = markdownReport(mergeResults([primaryStack, ordersStack]));
    expect(md).toContain(
      "- [plan `pg-primary`] **`aiven_pg.primary`** (pg-primary) — PostgreSQL service primary of pg-primary is deleted",
    );
    expect(md).toContain(
      "- [plan `orders`] **`aiven_pg.primary`** (orders) — PostgreSQL service primary of orders is deleted",
    );
    expect(md).toContain("| `orders: aiven_pg.primary` | delete |");
  });

  it("does not repeat the plan's name when there is one stack", () => {
    const md = markdownReport(
      reviewPlan(
        plan([{ address: "aiven_pg.primary", actions: ["delete"], before: PG_PRIMARY }]),
        context({ phase: "normal" }, "pg-primary"),
      ),
    );
    expect(md).toContain("- **`aiven_pg.primary`** (pg-primary) — PostgreSQL service primary of pg-primary is deleted");
  });

  it("says a why shared by many addresses once: one line with the count, the addresses folded", () => {
    const md = markdownReport(reviewPlan(deletes("a", "b", "c", "d", "e"), context()));
    expect(md).toContain("- **5 × `pg-destroyed`** — _Deleting or replacing an aiven_pg destroys the database");
    expect(md).toContain("  <details><summary>5 findings</summary>");
    for (let i = 0; i < 5; i++)
      expect(md.match(new RegExp(`\\*\\*\`module\\.other\\.aiven_pg\\.svc_${i}\`\\*\\*`, "g"))).toHaveLength(1);
    expect(md.match(/Deleting or replacing an aiven_pg/g)).toHaveLength(1);
  });

  it("keeps two alike as two lines", () => {
    const md = markdownReport(reviewPlan(deletes("a", "b"), context()));
    expect(md).not.toContain("× `pg-destroyed`");
    expect(md.match(/Deleting or replacing an aiven_pg/g)).toHaveLength(2);
  });

  it("shows the tail of terraform's error in a code block its own backticks cannot close", () => {
    const md = markdownReport(
      stackPlanFailed("orders", "terraform plan exited 1\n│ Error: bad ```value```\n│ on main.tf line 3\n"),
    );
    expect(md).toContain("- the plan of stack orders failed: terraform plan exited 1");
    expect(md).toContain("  ````text\n  │ Error: bad ```value```\n  │ on main.tf line 3\n  ````");
  });

  it("strips terminal codes from terraform's output, whatever the plan loop left in it", () => {
    const md = markdownReport(
      stackPlanFailed(
        "orders",
        "terraform init exited 1\n\u001b[31m│\u001b[0m \u001b[1mError:\u001b[0m registry unreachable\r\n",
      ),
    );
    expect(md).toContain("  │ Error: registry unreachable\n");
    expect(md).not.toContain("\u001b");
    expect(md).not.toContain("\r");
  });

  it("says a run that could plan nothing is not reviewed, and not a pass", () => {
    const md = markdownReport(notReviewedResult("no credentials: AIVEN_TOKEN is empty, so no stack could be planned."));
    expect(md.split("\n").slice(0, 2)).toEqual([
      COMMENT_MARKER,
      "## ⛔ CRDR plan review: not reviewed (no credentials)",
    ]);
    expect(md).toContain("Nothing was reviewed: this is **not** a pass.");
  });

  it("still shows the dangers of the stacks that were reviewed beside one that was not", () => {
    const reviewed = { ...stackPlanFailed("orders", "terraform plan exited 1\nError: boom"), stacks: ["orders"] };
    const md = markdownReport(
      mergeResults([
        reviewed,
        {
          ...notReviewedResult("stack billing keeps its state in a local file, which this CI machine does not have."),
          stacks: ["billing"],
        },
      ]),
    );
    expect(md.split("\n")[1]).toBe(
      "## ⛔ CRDR plan review: not reviewed (stack billing keeps its state in a local file, which this CI machine does not have)",
    );
    expect(md).toContain("Not everything was reviewed: this is **not** a pass.");
    expect(md).toContain("### Dangers");
    expect(md).toContain("the plan of stack orders failed: terraform plan exited 1");
  });

  it("replaces the comment with a failure when the review itself fails", () => {
    expect(reviewFailedReport("--plans-dir plans is not a directory; pass the directory <here>.")).toBe(
      `${COMMENT_MARKER}\n## 🛑 CRDR plan review failed\n\nThe review could not run, so nothing was reviewed: this is **not** a pass.\n\n> --plans-dir plans is not a directory; pass the directory &lt;here&gt;.\n`,
    );
  });
});
