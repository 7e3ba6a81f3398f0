import { ApplicationEndpointReport } from "../status/application-endpoint";
import { LinkReport, PairReport, PeerReport } from "../status/pair-status";

/** One pair's status as the text `npm run status` prints. */
export function formatStatus(report: PairReport): string {
  const peer = (label: string, p: PeerReport) =>
    `  ${label.padEnd(9)} ${p.service.padEnd(28)} ${p.cloud.padEnd(24)} ` +
    (p.reachable ? `${p.state}/${p.role ?? "-"} (${p.plan})` : `unreachable: ${p.error}`);
  const mark = { healthy: "✔ healthy", degraded: "! DEGRADED", drifted: "✖ DRIFTED" }[report.verdict];
  return [
    `${mark}  ${report.stack}  (project ${report.project}, phase ${report.phase.phase})`,
    peer("primary", report.primary),
    peer("recovery", report.recovery),
    `  link      ${formatLink(report.integration)}`,
    `  apps      ${formatApplicationEndpoint(report)}`,
    ...(report.replication ? [`  standby   ${report.replication.line}`] : []),
    ...report.findings.map(
      (f) => `  ${{ drift: "✖ DRIFT:", degraded: "! degraded:", note: "note:" }[f.level]} ${f.message}`,
    ),
  ].join("\n");
}

export function formatLink(link: LinkReport): string {
  if (link.present === null) return "unknown (neither peer could be read)";
  if (!link.present) return "none";
  return `${link.direction}, ${link.active ? "active" : "INACTIVE"}, ${link.enabled ? "enabled" : "DISABLED"}`;
}

/** Where applications point: "app_uri → host:port, served by recovery NAME (active); read-only: …". Never the URI: it holds the password. */
export function formatApplicationEndpoint(report: Pick<PairReport, "primary" | "recovery" | "application">): string {
  const app: ApplicationEndpointReport = report.application;
  if (!app.readWrite) return "unknown (neither peer could be read)";
  const source = app.output ? `${app.output} → ` : "";
  const served = app.servedBy
    ? `served by ${app.servedBy} ${report[app.servedBy].service} (active)`
    : "served by no peer now (none is active)";
  const readOnly = (["primary", "recovery"] as const)
    .filter((side) => app.readOnly[side])
    .map((side) => `${side} ${app.readOnly[side]}`);
  return `${source}${app.readWrite}, ${served}${readOnly.length ? `; read-only: ${readOnly.join(", ")}` : ""}`;
}

/** One line per pair, for a fleet: verdict, stack, phase, both peers and the link. */
export function formatStatusTable(reports: readonly PairReport[]): string {
  const peer = (p: PeerReport) => (p.reachable ? `${p.state}/${p.role ?? "-"}` : "unreachable");
  const link = (l: LinkReport) =>
    l.present === null ? "unknown" : !l.present ? "none" : l.active && l.enabled ? "active" : "INACTIVE";
  const rows = [
    ["", "stack", "phase", "primary", "recovery", "link"],
    ...reports.map((r) => [
      { healthy: "✔", degraded: "!", drifted: "✖" }[r.verdict],
      r.stack,
      r.phase.phase,
      peer(r.primary),
      peer(r.recovery),
      link(r.integration),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
