import { PhaseFolder } from "../phase/phase-folder";
import { PairManifest } from "../contract/pair-manifest";
import { settingsForTooling } from "../settings/tool-settings";
import { readCdktfConfig } from "../settings/cdktf-config";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { UserError } from "../user-error";
import { ReviewContext } from "./review-context";

/**
 * The review's context from the project: the recorded phases and the pairs of
 * the synthesized stacks (CI synthesizes before planning). Without cdktf.out
 * the review still runs, on what the plan alone shows. With the base branch's
 * phase folder, the review also judges the pull request's changes to each
 * pair's phase.
 */
export function loadReviewContext(
  projectDir: string,
  env: NodeJS.ProcessEnv,
  planStack?: string,
  basePhaseDir?: string,
): { context: ReviewContext; notes: string[] } {
  const notes: string[] = [];
  const phases = PhaseFolder.load(settingsForTooling(projectDir, env).phaseDir);
  let pairs: PairManifest[] = [];
  try {
    const { outdir } = readCdktfConfig(projectDir);
    pairs = SynthesizedStack.listStacks(outdir).map((name) => SynthesizedStack.load(outdir, name).pair);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    notes.push(`No synthesized stacks (${err.message}); findings rely on the plan alone.`);
  }
  if (planStack && pairs.length && !pairs.some((p) => p.stack === planStack)) {
    throw new UserError(
      `--stack "${planStack}" is not a synthesized pair (${pairs.map((p) => `"${p.stack}"`).join(", ")}); pass the stack the plan was made for.`,
    );
  }
  // The base branch may have no phase files (no pair has left normal yet): then every pair was normal there.
  // Before its migration, it has the old single file instead, which PhaseFolder reads the same way.
  const basePhases = basePhaseDir === undefined ? undefined : PhaseFolder.load(basePhaseDir);
  return { context: new ReviewContext(pairs, phases, planStack, basePhases), notes };
}
