import { lockDirectory, pairRecordFile } from "../operations/operation-lock";
import { AivenClient } from "../aiven/aiven-client";
import { PeerSource, ServiceByServicePeerSource, ServiceListPeerSource } from "../aiven/peer-source";
import { PairReader } from "../aiven/pair-reader";
import { PhaseFolder } from "../phase/phase-folder";
import { settingsForTooling } from "../settings/tool-settings";
import { listOrSynthesize } from "../synth/list-or-synthesize";
import { resolveStack } from "../synth/resolve-stack";
import { UserError } from "../user-error";
import { checkPair, PairReport } from "./pair-status";
import { replicationOf } from "./replication-status";

export interface StatusSelection {
  /** One pair. */
  readonly stack?: string;
  /** Only the pairs whose primary is in this region. @default - every pair */
  readonly region?: string;
  /** Pairs read at once. @default 16 */
  readonly parallel?: number;
}

/**
 * Status of one pair, a region's pairs, or every synthesized pair. Many pairs
 * are read concurrently (bounded) through the project's service list, so a
 * fleet costs a request or two, not two per pair.
 */
export async function status(
  selection: StatusSelection,
  deps: { projectDir: string; env: NodeJS.ProcessEnv; client: AivenClient },
): Promise<PairReport[]> {
  const settings = settingsForTooling(deps.projectDir, deps.env);
  const names = selection.stack ? [selection.stack] : listOrSynthesize(deps.projectDir, deps.env);
  const stacks = names.map((name) => resolveStack(deps.projectDir, name, deps.env, settings).stack);
  const pairs = stacks.map((s) => s.pair).filter((p) => !selection.region || p.primary.cloudName === selection.region);
  if (selection.region && !pairs.length) {
    const regions = [...new Set(stacks.map((s) => s.pair.primary.cloudName))].sort();
    throw new UserError(
      `No pair has its primary in "${selection.region}" (primary regions: ${regions.join(", ") || "none"}); pass one of those to --region.`,
    );
  }
  const phases = PhaseFolder.load(settings.phaseDir);
  const source: PeerSource =
    pairs.length > 1 ? new ServiceListPeerSource(deps.client, 0) : new ServiceByServicePeerSource(deps.client);
  const reports: PairReport[] = new Array(pairs.length);
  let next = 0;
  const worker = async () => {
    while (next < pairs.length) {
      const i = next++;
      const pair = pairs[i];
      const peers = await new PairReader(source, deps.client, pair).readTolerantly();
      reports[i] = {
        ...checkPair(
          pair,
          phases.phaseOf(pair.stack),
          peers,
          deps.projectDir,
          pairRecordFile(lockDirectory(deps.env), { project: pair.project, primaryService: pair.primary.serviceName }),
        ),
        replication: await replicationOf(pair, peers),
      };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(selection.parallel ?? 16, pairs.length)) }, worker));
  return reports;
}
