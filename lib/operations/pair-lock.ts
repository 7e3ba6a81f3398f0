import { OperationName } from "../phase/phase-record";
import { PhaseFolder } from "../phase/phase-folder";
import { Reporter } from "../reporting/reporter";
import { settingsForTooling } from "../settings/tool-settings";
import { resolveStack, ResolvedStack } from "../synth/resolve-stack";
import { lockDirectory, OperationLock, withSynthLock } from "./operation-lock";

/** What opening a pair needs to know. */
export interface PairOpening {
  readonly operation: OperationName;
  readonly stack: string;
  readonly dryRun: boolean;
  readonly runId: string;
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly reporter: Reporter;
  /** Where the pair's synthesized stack comes from. @default - `resolveStack` (synthesizing when stale) */
  readonly resolve?: (stack: string) => ResolvedStack;
}

/**
 * Resolves the pair's stack and, unless a dry run, takes the pair's lock:
 * one operator per pair on this machine, from any checkout. The lock is the
 * pair's at Aiven, so it is taken once the pair is known; a run that held it
 * meanwhile may have recorded a new phase, so the stack is resolved again
 * then. The caller releases the lock.
 */
export async function openPair(opening: PairOpening): Promise<{ resolved: ResolvedStack; lock?: OperationLock }> {
  const { projectDir, env, reporter, stack: name, dryRun } = opening;
  const files = settingsForTooling(projectDir, env);
  // A run that may change something must be able to synthesize afterwards,
  // so a broken synth refuses now; a dry run makes do with the last output.
  const resolve = () =>
    resolveStack(projectDir, name, env, files, { strict: !dryRun, warn: (warning) => reporter.warn(warning) });
  const resolveNow = () =>
    opening.resolve
      ? opening.resolve(name)
      : dryRun
        ? resolve()
        : withSynthLock(projectDir, resolve, (m) => reporter.warn(m));
  let resolved = await resolveNow();
  if (dryRun) return { resolved };
  const { pair } = resolved.stack;
  const lock = await OperationLock.acquire(
    lockDirectory(env),
    { project: pair.project, primaryService: pair.primary.serviceName, stack: name },
    { operation: opening.operation, runId: opening.runId },
  );
  try {
    if (
      JSON.stringify(PhaseFolder.readPhaseOf(resolved.phases.dir, name)) !==
      JSON.stringify(resolved.phases.phaseOf(name))
    )
      resolved = await resolveNow();
  } catch (err) {
    await lock.release();
    throw err;
  }
  return { resolved, lock };
}
