import { formatLink } from "../cli/format-status";
import { PairReport, PeerReport, Verdict } from "../status/pair-status";
import { describeTarget, Dispatch } from "./dispatch";
import { blockquote, fenced, table } from "./markdown";

export interface StatusReportInput {
  readonly dispatch: Dispatch;
  /** What `npm run status -- --json` printed; undefined when it printed nothing. */
  readonly report?: { readonly verdict: Verdict; readonly pairs: PairReport[] };
  /** Why status could not run, as its `error` event said. */
  readonly error?: string;
  readonly exitCode?: number;
  readonly stderrTail?: string;
}

const VERDICT: Record<Verdict, string> = { healthy: "✅ healthy", degraded: "⚠️ degraded", drifted: "🛑 drifted" };
const FINDING: Record<PairReport["findings"][number]["level"], string> = {
  drift: "🛑 drift",
  degraded: "⚠️ degraded",
  note: "note",
};

function peerText(p: PeerReport): string {
  return `${p.service}: ${p.reachable ? `${p.state}/${p.role ?? "no DR role"}` : `unreachable (${p.error})`} in ${p.cloud}`;
}

/** The job summary of a status run: each pair's peers, DR link, phase and findings. */
export function statusSummary(input: StatusReportInput): string {
  const { report } = input;
  if (!report) {
    const lines = [
      `## ⛔ status of ${describeTarget(input.dispatch)}: could not run (exit ${input.exitCode ?? "none"})`,
    ];
    if (input.error) lines.push(blockquote(input.error));
    else if (input.stderrTail) lines.push(fenced(input.stderrTail));
    return lines.join("\n\n") + "\n";
  }
  const lines = [
    `## ${VERDICT[report.verdict]}: status of ${describeTarget(input.dispatch)} (${report.pairs.length} pair(s))`,
    table(
      ["pair", "phase", "primary", "recovery", "DR link", "verdict"],
      report.pairs.map((p) => [
        p.stack,
        p.phase.phase,
        peerText(p.primary),
        peerText(p.recovery),
        formatLink(p.integration),
        VERDICT[p.verdict],
      ]),
    ),
  ];
  for (const pair of report.pairs.filter((p) => p.findings.length)) {
    lines.push(`**${pair.stack}**\n\n${pair.findings.map((f) => `- ${FINDING[f.level]}: ${f.message}`).join("\n")}`);
  }
  return lines.join("\n\n") + "\n";
}
