import { Finding } from "./finding";
import { FindingGroup, groupFindings } from "./finding-groups";
import { ReviewResult } from "./review";

/** Marks the comment so CI can find and update it instead of adding another. */
export const COMMENT_MARKER = "<!-- crdr-plan-review -->";
/** GitHub's limit for one comment body. */
export const GITHUB_COMMENT_LIMIT = 65536;

const escape = (text: string) => text.replace(/[|<>]/g, (c) => ({ "|": "\\|", "<": "&lt;", ">": "&gt;" })[c]!);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** How much of each list a rendering shows; the report tries the fullest that fits. */
interface Budget {
  /** Addresses listed under one group. */
  readonly groupItems: number;
  /** Rows of the all-changes table. */
  readonly changeRows: number;
  /** Last lines of a detail (terraform's error output). */
  readonly detailLines: number;
  readonly info: boolean;
}

const BUDGETS: readonly Budget[] = [
  { groupItems: Infinity, changeRows: Infinity, detailLines: 40, info: true },
  { groupItems: 50, changeRows: 300, detailLines: 30, info: true },
  { groupItems: 10, changeRows: 50, detailLines: 20, info: true },
  { groupItems: 3, changeRows: 0, detailLines: 10, info: true },
  { groupItems: 0, changeRows: 0, detailLines: 5, info: false },
];

/** A group is shown as one line, its addresses folded, from this many findings on. */
const GROUP_FROM = 3;

/**
 * One PR comment: a headline verdict that also says what is destroyed, the
 * counts, the dangers with why they matter, and the rest in folds. Findings
 * that share a rule and a why are one line with a count. Kept under GitHub's
 * comment limit by shortening lists (every distinct danger stays), and as a
 * last resort by dropping lines from the end, with a note.
 */
export function markdownReport(result: ReviewResult, limit = GITHUB_COMMENT_LIMIT): string {
  const full = render(result, BUDGETS[0]);
  if (full.length <= limit) return full;
  const note =
    "\n\n> ✂️ Shortened to fit GitHub's comment limit; run `npm run plan:review -- --json` for the full report.";
  for (const budget of BUDGETS.slice(1)) {
    const shorter = render(result, budget);
    if (shorter.length + note.length <= limit) return shorter + note;
  }
  const lines = render(result, BUDGETS[BUDGETS.length - 1]).split("\n");
  const noteFor = (n: number) =>
    `\n\n> ✂️ ${plural(n, "line")} left out to fit GitHub's comment limit; run \`npm run plan:review -- --json\` for the full report.`;
  const budget = limit - noteFor(lines.length).length - "\n</details>".length - 1;
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > budget) break;
    kept.push(line);
    size += line.length + 1;
  }
  const opened =
    kept.filter((l) => l.trimStart().startsWith("<details")).length -
    kept.filter((l) => l.trim() === "</details>").length;
  return kept.join("\n") + (opened > 0 ? "\n</details>" : "") + noteFor(lines.length - kept.length);
}

/** The comment when the review itself could not run: never a pass. */
export function reviewFailedReport(reason: string): string {
  return [
    COMMENT_MARKER,
    "## 🛑 CRDR plan review failed",
    "",
    "The review could not run, so nothing was reviewed: this is **not** a pass.",
    "",
    `> ${escape(reason)}`,
    "",
  ].join("\n");
}

function render(result: ReviewResult, budget: Budget): string {
  const multiStack = new Set(result.stacks).size > 1;
  const groups = groupFindings(result.findings);
  // Plan-wide findings first, then the pairs', then the rest (which can be many).
  const rank = (g: FindingGroup) => (g.findings.every((f) => !f.address) ? 0 : g.stack ? 1 : 2);
  const ofSeverity = (s: string) => groups.filter((g) => g.severity === s).sort((a, b) => rank(a) - rank(b));
  const count = (s: string) => result.findings.filter((f) => f.severity === s).length;
  const lines = [COMMENT_MARKER, headline(result, count("danger"), count("warning")), ""];
  if (result.verdict === "not-reviewed") {
    // Stacks that were reviewed beside one that was not still show what they found.
    const partly = result.findings.length > 0 || result.changes.length > 0;
    lines.push(
      partly ? "Not everything was reviewed: this is **not** a pass." : "Nothing was reviewed: this is **not** a pass.",
      "",
      `> ${escape(result.notReviewed ?? "")}`,
      "",
    );
    if (!partly) return lines.join("\n");
  }
  const c = result.counts;
  if (result.stacks.length) {
    lines.push(
      `${result.stacks.length === 1 ? "Stack" : "Stacks"} ${result.stacks.map((s) => `\`${escape(s)}\``).join(", ")}${result.terraformVersion ? `, Terraform ${escape(result.terraformVersion)}` : ""}.`,
      "",
    );
  }
  lines.push(
    "| add | change | destroy | replace | import | forget |",
    "|----:|-------:|--------:|--------:|-------:|-------:|",
    `| ${c.add} | ${c.change} | ${c.destroy} | ${c.replace} | ${c.import} | ${c.forget} |`,
    "",
  );
  const section = (gs: FindingGroup[]) => gs.flatMap((g) => groupLines(g, budget, multiStack));
  const dangers = ofSeverity("danger");
  const warnings = ofSeverity("warning");
  const infos = ofSeverity("info");
  if (dangers.length) lines.push("### Dangers", "", ...section(dangers), "");
  if (warnings.length)
    lines.push(
      `<details open><summary><b>Warnings</b> (${count("warning")})</summary>`,
      "",
      ...section(warnings),
      "",
      "</details>",
      "",
    );
  if (infos.length && budget.info)
    lines.push(`<details><summary>Info (${count("info")})</summary>`, "", ...section(infos), "", "</details>", "");
  if (infos.length && !budget.info) lines.push(`_Info (${count("info")}) left out to fit the comment._`, "");
  if (result.changes.length) {
    const rows = result.changes.slice(0, budget.changeRows);
    lines.push(`<details><summary>All changes (${result.changes.length})</summary>`, "");
    if (rows.length)
      lines.push(
        "| address | action |",
        "|---|---|",
        ...rows.map((ch) => `| \`${escape(ch.address)}\` | ${escape(ch.action)} |`),
      );
    if (rows.length < result.changes.length)
      lines.push(
        "",
        `… and ${result.changes.length - rows.length} more; \`npm run plan:review -- --json\` lists them all.`,
      );
    lines.push("", "</details>", "");
  }
  return lines.join("\n");
}

function headline(result: ReviewResult, dangers: number, warnings: number): string {
  if (result.verdict === "not-reviewed")
    return `## ⛔ CRDR plan review: not reviewed (${escape(result.notReviewed?.split(/[:;.]/)[0] ?? "no plans")})${phases(result)}`;
  const verdict =
    result.verdict === "danger"
      ? `🛑 CRDR plan review: ${plural(dangers, "danger")}${warnings ? `, ${plural(warnings, "warning")}` : ""}`
      : result.verdict === "warning"
        ? `⚠️ CRDR plan review: ${plural(warnings, "warning")}, no dangers`
        : `✅ CRDR plan review: nothing dangerous for the DR pairs`;
  return `## ${verdict}${destroyed(result)}${phases(result)}`;
}

/** Every phase the pull request records differently from the base branch, so no phase change hides below the headline. */
function phases(result: ReviewResult): string {
  return result.phaseChanges?.length ? ` · phase ${result.phaseChanges.map(escape).join("; ")}` : "";
}

/** What the plan destroys, by resource type, so a ✅ over a mass delete still says it. */
function destroyed(result: ReviewResult): string {
  const { destroy, replace } = result.counts;
  if (!destroy && !replace) return "";
  const byType = new Map<string, number>();
  for (const ch of result.changes)
    if (/^(delete|replace)/.test(ch.action)) byType.set(ch.type, (byType.get(ch.type) ?? 0) + 1);
  const types = [...byType.entries()].sort((a, b) => b[1] - a[1]);
  const named =
    types
      .slice(0, 3)
      .map(([t, n]) => `${escape(t)} ×${n}`)
      .join(", ") + (types.length > 3 ? `, ${types.length - 3} more types` : "");
  const what = [destroy ? `destroys ${destroy}` : "", replace ? `replaces ${replace}` : ""].filter(Boolean).join(", ");
  return `${result.verdict === "ok" ? ", but it" : " ·"} ${what}${named ? ` (${named})` : ""}`;
}

function groupLines(group: FindingGroup, budget: Budget, multiStack: boolean): string[] {
  if (group.findings.length < GROUP_FROM) return group.findings.flatMap((f) => findingLines(f, budget, multiStack));
  const n = group.findings.length;
  const shown = group.findings.slice(0, budget.groupItems);
  const items = shown.map(
    (f) => `  - ${where(f, multiStack)}${escape(f.message)}${f.reason ? ` · _${escape(f.reason)}_` : ""}`,
  );
  if (shown.length < n)
    items.push(`  - … and ${n - shown.length} more; \`npm run plan:review -- --json\` lists them all.`);
  const plans = [...new Set(group.findings.map((f) => f.plan).filter((p): p is string => !!p))];
  return [
    `- **${n} × \`${escape(group.rule)}\`**${group.stack ? ` (${escape(group.stack)})` : ""}${multiStack && plans.length ? ` (from the plan${plans.length === 1 ? "" : "s"} of ${plans.map((p) => `\`${escape(p)}\``).join(", ")})` : ""}${group.why ? ` — _${escape(group.why)}_` : ""}`,
    `  <details><summary>${plural(n, "finding")}</summary>`,
    "",
    ...items,
    "",
    "  </details>",
  ];
}

/** Where a finding is: which plan (when there are several), the address, deposed, and the pair. */
function where(f: Finding, multiStack: boolean): string {
  const plan = multiStack && f.plan ? `[plan \`${escape(f.plan)}\`] ` : "";
  if (!f.address) return plan;
  return `${plan}**\`${f.address}\`**${f.deposed ? ` (deposed object ${escape(f.deposed)})` : ""}${f.stack ? ` (${escape(f.stack)})` : ""} — `;
}

function findingLines(f: Finding, budget: Budget, multiStack: boolean): string[] {
  const lines = [`- ${where(f, multiStack)}${escape(f.message)}`];
  if (f.reason) lines.push(`  <br>Terraform's reason: ${escape(f.reason)}`);
  if (f.why) lines.push(`  <br>_${escape(f.why)}_`);
  if (f.detail !== undefined) {
    const detail = f.detail.split("\n").slice(-budget.detailLines);
    const fence = "`".repeat(Math.max(3, ...[...f.detail.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    lines.push("", `  ${fence}text`, ...detail.map((l) => `  ${l}`), `  ${fence}`, "");
  }
  return lines;
}
