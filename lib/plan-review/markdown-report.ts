import { Finding } from "./finding";
import { ReviewResult } from "./review";

/** Marks the comment so CI can find and update it instead of adding another. */
export const COMMENT_MARKER = "<!-- crdr-plan-review -->";
/** GitHub's limit for one comment body. */
export const GITHUB_COMMENT_LIMIT = 65536;

const escape = (text: string) => text.replace(/[|<>]/g, (c) => ({ "|": "\\|", "<": "&lt;", ">": "&gt;" })[c]!);

function findingLine(f: Finding): string {
  const where = f.address ? `**\`${f.address}\`**${f.stack ? ` (${escape(f.stack)})` : ""} — ` : "";
  return `- ${where}${escape(f.message)}${f.why ? `\n  <br>_${escape(f.why)}_` : ""}`;
}

/**
 * One PR comment: a headline verdict, the counts, the dangers with why they
 * matter, and the rest in folds. Kept under GitHub's comment limit by
 * dropping whole lines from the end, with a note saying how many.
 */
export function markdownReport(result: ReviewResult, limit = GITHUB_COMMENT_LIMIT): string {
  const dangers = result.findings.filter((f) => f.severity === "danger");
  const warnings = result.findings.filter((f) => f.severity === "warning");
  const infos = result.findings.filter((f) => f.severity === "info");
  const c = result.counts;
  const headline =
    result.verdict === "danger"
      ? `## 🛑 CRDR plan review: ${dangers.length} danger${dangers.length === 1 ? "" : "s"}${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? "" : "s"}` : ""}`
      : result.verdict === "warning"
        ? `## ⚠️ CRDR plan review: ${warnings.length} warning${warnings.length === 1 ? "" : "s"}, no dangers`
        : `## ✅ CRDR plan review: nothing dangerous for the DR pairs`;
  const head = [
    COMMENT_MARKER,
    headline,
    "",
    result.stacks.length ? `${result.stacks.length === 1 ? "Stack" : "Stacks"} ${result.stacks.map((s) => `\`${escape(s)}\``).join(", ")}${result.terraformVersion ? `, Terraform ${escape(result.terraformVersion)}` : ""}.` : "",
    "",
    "| add | change | destroy | replace | import | forget |",
    "|----:|-------:|--------:|--------:|-------:|-------:|",
    `| ${c.add} | ${c.change} | ${c.destroy} | ${c.replace} | ${c.import} | ${c.forget} |`,
    "",
  ];
  const blocks: string[][] = [];
  if (dangers.length) blocks.push(["### Dangers", "", ...dangers.map(findingLine), ""]);
  if (warnings.length) blocks.push(["<details open><summary><b>Warnings</b> (" + warnings.length + ")</summary>", "", ...warnings.map(findingLine), "", "</details>", ""]);
  if (infos.length) blocks.push([`<details><summary>Info (${infos.length})</summary>`, "", ...infos.map(findingLine), "", "</details>", ""]);
  if (result.changes.length) {
    blocks.push([
      `<details><summary>All changes (${result.changes.length})</summary>`,
      "",
      "| address | action |",
      "|---|---|",
      ...result.changes.map((ch) => `| \`${escape(ch.address)}\` | ${escape(ch.action)} |`),
      "",
      "</details>",
      "",
    ]);
  }

  const lines = [...head, ...blocks.flat()];
  const full = lines.join("\n");
  if (full.length <= limit) return full;
  // Keep the head and as many lines as fit; close any open fold.
  const noteFor = (n: number) => `\n\n> ✂️ ${n} line${n === 1 ? "" : "s"} left out to fit GitHub's comment limit; run \`npm run plan:review -- --json\` for the full report.`;
  const kept: string[] = [];
  let size = 0;
  const budget = limit - noteFor(lines.length).length - "\n</details>".length - 1;
  for (const line of lines) {
    if (size + line.length + 1 > budget) break;
    kept.push(line);
    size += line.length + 1;
  }
  const opened = kept.filter((l) => l.startsWith("<details")).length - kept.filter((l) => l === "</details>").length;
  return kept.join("\n") + (opened > 0 ? "\n</details>" : "") + noteFor(lines.length - kept.length);
}
