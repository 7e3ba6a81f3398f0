import { AivenClient } from "../aiven/aiven-client";
import { settingsForTooling } from "../settings/tool-settings";
import { listOrSynthesize } from "../synth/list-or-synthesize";
import { resolveStack } from "../synth/resolve-stack";
import { PairReport, pairStatus } from "./pair-status";

/** Status of one stack or of every synthesized pair. */
export async function status(
  selection: { stack?: string },
  deps: { projectDir: string; env: NodeJS.ProcessEnv; client: AivenClient },
): Promise<PairReport[]> {
  const settings = settingsForTooling(deps.projectDir, deps.env);
  const names = selection.stack ? [selection.stack] : listOrSynthesize(deps.projectDir, deps.env);
  const reports: PairReport[] = [];
  for (const name of names) {
    const { stack, phases } = resolveStack(deps.projectDir, name, deps.env, settings);
    reports.push(await pairStatus(deps.client, stack.pair, phases.phaseOf(name), deps.projectDir));
  }
  return reports;
}
