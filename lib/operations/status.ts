import { AivenServiceIntegration } from "../aiven/aiven-types";
import { AivenClient } from "../aiven/aiven-client";
import { pendingImportsOf, PhaseRecord } from "../phase";
import { PairManifest } from "../pair-manifest";
import { readCdktfConfig } from "../synth/cdktf-config";
import { synthesize } from "../synth/synthesize";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { UserError } from "../user-error";
import { AivenApiError } from "../aiven/aiven-api-error";
import { Journal } from "./journal";
import { readPeer, PeerStatus } from "./peer-status";
import { resolveStack } from "./resolve-stack";
import { settingsFiles } from "./settings-files";

export type Verdict = "healthy" | "degraded" | "drifted";
/** `note` is Terraform bookkeeping: it does not change the verdict about the pair. */
type FindingLevel = "note" | "degraded" | "drift";

/** `npm run status` exit codes, by the worst verdict; the README lists them. */
export const STATUS_EXIT: Record<Verdict, number> = { healthy: 0, degraded: 4, drifted: 5 };

export interface PeerReport {
  readonly service: string;
  readonly cloud: string;
  readonly reachable: boolean;
  readonly state?: string;
  readonly role?: string | null;
  readonly plan?: string;
  readonly error?: string;
}

export interface PairReport {
  readonly stack: string;
  readonly project: string;
  readonly phase: PhaseRecord;
  readonly primary: PeerReport;
  readonly recovery: PeerReport;
  readonly integration: { present: boolean; active?: boolean; enabled?: boolean; direction?: string; id?: string };
  readonly findings: ReadonlyArray<{ level: FindingLevel; message: string }>;
  readonly verdict: Verdict;
}

interface Expectation {
  readonly primaryRole: string;
  readonly recoveryRole: string;
  readonly integration: "required" | "any";
}

/** What each phase expects Aiven to show. */
const EXPECTED: Record<PhaseRecord["phase"], Expectation> = {
  normal: { primaryRole: "active", recoveryRole: "passive", integration: "required" },
  "failed-over": { primaryRole: "failed", recoveryRole: "active", integration: "any" },
  "switched-over": { primaryRole: "passive", recoveryRole: "active", integration: "required" },
};

export async function pairStatus(client: AivenClient, pair: PairManifest, phase: PhaseRecord, projectDir?: string): Promise<PairReport> {
  const read = async (service: string) => {
    try {
      return await readPeer(client, pair.project, service);
    } catch (err) {
      if (err instanceof AivenApiError && err.isApiUnreachable) throw client.unusableApi(err);
      if (err instanceof AivenApiError && (err.isAuthFailure || err.isNotFound)) {
        return { reachable: false as const, error: err };
      }
      throw err;
    }
  };
  const [primary, recovery] = await Promise.all([read(pair.primary.serviceName), read(pair.recovery.serviceName)]);
  const findings: Array<{ level: FindingLevel; message: string }> = [];
  const expected = EXPECTED[phase.phase];

  const checkPeer = (side: "primary" | "recovery", status: PeerStatus, role: string) => {
    const name = pair[side].serviceName;
    if (!status.reachable) {
      const err = status.error;
      if (err.isAuthFailure) throw new UserError(`The Aiven API refused the token (${err.message}); set AIVEN_TOKEN to a valid token for project "${pair.project}".`);
      // After a failover the primary's region, and so the service, may be gone.
      const expectedGone = side === "primary" && phase.phase === "failed-over";
      if (expectedGone) findings.push({ level: "note", message: `failed primary ${name} cannot be read (${err.message})` });
      else if (err.isNotFound) findings.push({ level: "drift", message: `${side} ${name} does not exist at Aiven` });
      else findings.push({ level: "degraded", message: `${side} ${name} cannot be read (${err.message})` });
      return;
    }
    const actual = status.service.disaster_recovery_role;
    if (actual !== role) {
      findings.push({ level: "drift", message: `phase "${phase.phase}" expects ${side} ${name} to be ${role}, but Aiven says ${actual ?? "no DR role"}` });
    } else if (status.service.state !== "RUNNING" && role !== "failed") {
      findings.push({ level: "degraded", message: `${side} ${name} is ${status.service.state}` });
    }
  };
  checkPeer("primary", primary, expected.primaryRole);
  checkPeer("recovery", recovery, expected.recoveryRole);

  const seen = [primary, recovery].flatMap((p) => (p.reachable ? (p.service.service_integrations ?? []) : []));
  const dr = seen.find(
    (i: AivenServiceIntegration) =>
      i.integration_type === "disaster_recovery" &&
      [i.source_service, i.dest_service].sort().join() === [pair.primary.serviceName, pair.recovery.serviceName].sort().join(),
  );
  const anyReadable = primary.reachable || recovery.reachable;
  if (expected.integration === "required" && anyReadable) {
    if (!dr) findings.push({ level: "drift", message: `the disaster_recovery integration is missing at Aiven` });
    else if (!dr.active || !dr.enabled) findings.push({ level: "degraded", message: `the disaster_recovery integration is ${!dr.enabled ? "disabled" : "not active"}` });
  }
  const unfinished = projectDir ? Journal.unfinishedChange(projectDir, pair.stack) : undefined;
  if (unfinished) {
    findings.push({
      level: "degraded",
      message: `a ${unfinished.operation} run started ${unfinished.ts} changed roles at Aiven but did not finish; rerun npm run ${unfinished.operation} -- --stack ${pair.stack}`,
    });
  }
  const pending = pendingImportsOf(phase);
  if (pending.length) {
    findings.push({ level: "note", message: `imports pending in the config until an apply takes them into state: ${pending.map((i) => i.address).join(", ")}` });
  }

  const peerReport = (side: "primary" | "recovery", status: PeerStatus): PeerReport => ({
    service: pair[side].serviceName,
    cloud: status.reachable ? status.service.cloud_name : pair[side].cloudName,
    reachable: status.reachable,
    ...(status.reachable
      ? { state: status.service.state, role: status.service.disaster_recovery_role ?? null, plan: status.service.plan }
      : { error: status.error.message }),
  });
  const verdict: Verdict = findings.some((f) => f.level === "drift") ? "drifted" : findings.some((f) => f.level === "degraded") ? "degraded" : "healthy";
  return {
    stack: pair.stack,
    project: pair.project,
    phase,
    primary: peerReport("primary", primary),
    recovery: peerReport("recovery", recovery),
    integration: dr
      ? { present: true, active: dr.active, enabled: dr.enabled, direction: `${dr.source_service} → ${dr.dest_service}`, id: dr.service_integration_id }
      : { present: false },
    findings,
    verdict,
  };
}

/** Status of one stack or of every synthesized pair. */
export async function status(
  selection: { stack?: string },
  deps: { projectDir: string; env: NodeJS.ProcessEnv; client: AivenClient },
): Promise<PairReport[]> {
  const { outdir } = readCdktfConfig(deps.projectDir);
  const files = settingsFiles(deps.projectDir, deps.env);
  let names: string[];
  if (selection.stack) {
    names = [selection.stack];
  } else {
    try {
      names = SynthesizedStack.listStacks(outdir);
    } catch {
      synthesize(deps.projectDir, deps.env);
      names = SynthesizedStack.listStacks(outdir);
    }
  }
  const reports: PairReport[] = [];
  for (const name of names) {
    const { stack, phases } = resolveStack(deps.projectDir, name, deps.env, files);
    reports.push(await pairStatus(deps.client, stack.pair, phases.phaseOf(name), deps.projectDir));
  }
  return reports;
}

export function worstVerdict(reports: readonly PairReport[]): Verdict {
  return reports.some((r) => r.verdict === "drifted") ? "drifted" : reports.some((r) => r.verdict === "degraded") ? "degraded" : "healthy";
}

export function formatStatus(report: PairReport): string {
  const peer = (label: string, p: PeerReport) =>
    `  ${label.padEnd(9)} ${p.service.padEnd(28)} ${p.cloud.padEnd(24)} ` + (p.reachable ? `${p.state}/${p.role ?? "-"} (${p.plan})` : `unreachable: ${p.error}`);
  const mark = { healthy: "✔ healthy", degraded: "! DEGRADED", drifted: "✖ DRIFTED" }[report.verdict];
  return [
    `${mark}  ${report.stack}  (project ${report.project}, phase ${report.phase.phase})`,
    peer("primary", report.primary),
    peer("recovery", report.recovery),
    `  link      ${report.integration.present ? `${report.integration.direction}, ${report.integration.active ? "active" : "INACTIVE"}, ${report.integration.enabled ? "enabled" : "DISABLED"}` : "none"}`,
    ...report.findings.map((f) => `  ${{ drift: "✖ DRIFT:", degraded: "! degraded:", note: "note:" }[f.level]} ${f.message}`),
  ].join("\n");
}
