import { LinkReport, PairReport, PeerReport } from "../status/pair-status";

/** One pair's status as the text `npm run status` prints. */
export function formatStatus(report: PairReport): string {
  const peer = (label: string, p: PeerReport) =>
    `  ${label.padEnd(9)} ${p.service.padEnd(28)} ${p.cloud.padEnd(24)} ` + (p.reachable ? `${p.state}/${p.role ?? "-"} (${p.plan})` : `unreachable: ${p.error}`);
  const mark = { healthy: "✔ healthy", degraded: "! DEGRADED", drifted: "✖ DRIFTED" }[report.verdict];
  return [
    `${mark}  ${report.stack}  (project ${report.project}, phase ${report.phase.phase})`,
    peer("primary", report.primary),
    peer("recovery", report.recovery),
    `  link      ${formatLink(report.integration)}`,
    ...report.findings.map((f) => `  ${{ drift: "✖ DRIFT:", degraded: "! degraded:", note: "note:" }[f.level]} ${f.message}`),
  ].join("\n");
}

function formatLink(link: LinkReport): string {
  if (link.present === null) return "unknown (neither peer could be read)";
  if (!link.present) return "none";
  return `${link.direction}, ${link.active ? "active" : "INACTIVE"}, ${link.enabled ? "enabled" : "DISABLED"}`;
}
