import { AivenClient } from "../aiven/aiven-client";
import { findDrLink } from "../aiven/dr-link";
import { ServiceByServicePeerSource } from "../aiven/peer-source";
import { checkExpectedPeer, Peers, PeerStatus } from "../aiven/peer-status";
import { EXIT } from "../exit-codes";
import { Journal } from "../operations/journal";
import { PairManifest, PeerSide } from "../contract/pair-manifest";
import { EXPECTED_ROLES } from "../contract/expected-roles";
import { pendingImportsOf, PhaseRecord } from "../phase/phase-record";
import { ApplicationEndpointReport, checkApplicationEndpoint } from "./application-endpoint";
import { openRequestFromAnotherCheckout } from "./open-role-request";
import { ReplicationReport } from "./replication-status";

export type Verdict = "healthy" | "degraded" | "drifted";
/** `note` is Terraform bookkeeping: it does not change the verdict about the pair. */
export type FindingLevel = "note" | "degraded" | "drift";

/** `npm run status` exit codes, by the worst verdict; docs/recovery-cycle.md ("Status") lists them. */
export const STATUS_EXIT: Record<Verdict, number> = {
  healthy: EXIT.ok,
  degraded: EXIT.degraded,
  drifted: EXIT.drifted,
};

export interface PeerReport {
  readonly service: string;
  readonly cloud: string;
  readonly reachable: boolean;
  readonly state?: string;
  readonly role?: string | null;
  readonly plan?: string;
  readonly error?: string;
}

/**
 * The DR link as far as Aiven showed it: `present` is `null` when neither
 * peer could be read (unknown, which is not the same as absent).
 */
export interface LinkReport {
  readonly present: boolean | null;
  readonly active?: boolean;
  readonly enabled?: boolean;
  readonly direction?: string;
  readonly id?: string;
}

export interface PairReport {
  readonly stack: string;
  readonly project: string;
  readonly phase: PhaseRecord;
  readonly primary: PeerReport;
  readonly recovery: PeerReport;
  readonly integration: LinkReport;
  /** Where applications point: the shared read-write endpoint, which peer serves it, and each region's read-only one. */
  readonly application: ApplicationEndpointReport;
  readonly findings: ReadonlyArray<{ level: FindingLevel; message: string }>;
  readonly verdict: Verdict;
  /** The standby's replication figures (informational: they do not change the verdict). */
  readonly replication?: ReplicationReport;
}

/**
 * Checks what Aiven shows of a pair against what its recorded phase expects
 * (`EXPECTED_ROLES`), the journal (a run that did not finish after a role
 * change it sent or saw), the pair record (a request another checkout left
 * open), and the phase's pending imports.
 */
export function checkPair(
  pair: PairManifest,
  phase: PhaseRecord,
  peers: Peers,
  projectDir?: string,
  /** The pair's machine-wide record of role changes (`pairRecordFile`), which every checkout here writes. */
  pairRecord?: string,
): PairReport {
  const findings: Array<{ level: FindingLevel; message: string }> = [];
  const expected = EXPECTED_ROLES[phase.phase];

  for (const side of ["primary", "recovery"] as const) {
    const want = expected[side];
    const name = pair[side].serviceName;
    const check = checkExpectedPeer(peers[side], want);
    switch (check.kind) {
      case "as-expected":
        break;
      case "unreachable":
        // After a failover the primary's region, and so the service, may be gone.
        if (check.allowed)
          findings.push({ level: "note", message: `failed ${side} ${name} cannot be read (${check.error.message})` });
        else if (check.error.isNotFound)
          findings.push({ level: "drift", message: `${side} ${name} does not exist at Aiven` });
        else findings.push({ level: "degraded", message: `${side} ${name} cannot be read (${check.error.message})` });
        break;
      case "wrong-role":
        findings.push({
          level: "drift",
          message: `phase "${phase.phase}" expects ${side} ${name} to be ${want.role}, but Aiven says ${check.actual ?? "no DR role"}`,
        });
        break;
      case "wrong-state":
        findings.push({ level: "degraded", message: `${side} ${name} is ${check.actual}` });
        break;
    }
  }

  const anyReadable = peers.primary.reachable || peers.recovery.reachable;
  const seen = [peers.primary, peers.recovery].flatMap((p) =>
    p.reachable ? (p.service.service_integrations ?? []) : [],
  );
  const dr = findDrLink(seen, pair);
  if (expected.link === "required" && anyReadable) {
    if (!dr) findings.push({ level: "drift", message: `the disaster_recovery integration is missing at Aiven` });
    else if (!dr.active || !dr.enabled)
      findings.push({
        level: "degraded",
        message: `the disaster_recovery integration is ${!dr.enabled ? "disabled" : "not active"}`,
      });
  }
  const unfinished = projectDir ? Journal.unfinishedChange(projectDir, pair.stack) : undefined;
  if (unfinished) {
    findings.push({
      level: "degraded",
      message: `a ${unfinished.operation} run started ${unfinished.ts} did not finish after a role change at Aiven (sent or seen); rerun npm run ${unfinished.operation} -- --stack ${pair.stack}`,
    });
  }
  const elsewhere = projectDir && pairRecord ? openRequestFromAnotherCheckout(pair, pairRecord, projectDir) : undefined;
  if (elsewhere) findings.push({ level: "degraded", message: elsewhere });
  const pending = pendingImportsOf(phase);
  if (pending.length) {
    findings.push({
      level: "note",
      message: `imports pending in the config until an apply takes them into state: ${pending.map((i) => i.address).join(", ")}`,
    });
  }

  const application = checkApplicationEndpoint(pair, peers);
  if (application.problem) findings.push({ level: "degraded", message: application.problem });

  const peerReport = (side: PeerSide, status: PeerStatus): PeerReport => ({
    service: pair[side].serviceName,
    cloud: status.reachable ? status.service.cloud_name : pair[side].cloudName,
    reachable: status.reachable,
    ...(status.reachable
      ? { state: status.service.state, role: status.service.disaster_recovery_role ?? null, plan: status.service.plan }
      : { error: status.error.message }),
  });
  const verdict: Verdict = findings.some((f) => f.level === "drift")
    ? "drifted"
    : findings.some((f) => f.level === "degraded")
      ? "degraded"
      : "healthy";
  const integration: LinkReport = dr
    ? {
        present: true,
        active: dr.active,
        enabled: dr.enabled,
        direction: `${dr.source_service} → ${dr.dest_service}`,
        id: dr.service_integration_id,
      }
    : { present: anyReadable ? false : null };
  return {
    stack: pair.stack,
    project: pair.project,
    phase,
    primary: peerReport("primary", peers.primary),
    recovery: peerReport("recovery", peers.recovery),
    integration,
    application: application.report,
    findings,
    verdict,
  };
}

/** Reads one pair (a GET per peer) and checks it. */
export async function pairStatus(
  client: AivenClient,
  pair: PairManifest,
  phase: PhaseRecord,
  projectDir?: string,
): Promise<PairReport> {
  return checkPair(pair, phase, await new ServiceByServicePeerSource(client).read(pair), projectDir);
}

/** How many pairs have each verdict. */
export function countVerdicts(reports: readonly PairReport[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { healthy: 0, degraded: 0, drifted: 0 };
  for (const r of reports) counts[r.verdict] += 1;
  return counts;
}

export function worstVerdict(reports: readonly PairReport[]): Verdict {
  return reports.some((r) => r.verdict === "drifted")
    ? "drifted"
    : reports.some((r) => r.verdict === "degraded")
      ? "degraded"
      : "healthy";
}
