import { PhaseFile } from "../phase/phase-file";
import { PairManifest } from "../contract/pair-manifest";
import { settingsForTooling } from "../settings/tool-settings";
import { readCdktfConfig } from "../settings/cdktf-config";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { UserError } from "../user-error";
import { ReviewContext } from "./review-context";

/**
 * The review's context from the project: the phase file and the pairs of the
 * synthesized stacks (CI synthesizes before planning). Without cdktf.out the
 * review still runs, on what the plan alone shows. With the base branch's
 * phase file, the review also judges the pull request's changes to it.
 */
export function loadReviewContext(projectDir: string, env: NodeJS.ProcessEnv, planStack?: string, basePhaseFile?: string): { context: ReviewContext; notes: string[] } {
  const notes: string[] = [];
  const phases = PhaseFile.load(settingsForTooling(projectDir, env).phaseFile);
  let pairs: PairManifest[] = [];
  try {
    const { outdir } = readCdktfConfig(projectDir);
    pairs = SynthesizedStack.listStacks(outdir).map((name) => SynthesizedStack.load(outdir, name).pair);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    notes.push(`No synthesized stacks (${err.message}); findings rely on the plan alone.`);
  }
  if (planStack && pairs.length && !pairs.some((p) => p.stack === planStack)) {
    throw new UserError(`--stack "${planStack}" is not a synthesized pair (${pairs.map((p) => `"${p.stack}"`).join(", ")}); pass the stack the plan was made for.`);
  }
  // The base branch's file may be missing (no pair has left normal yet): then every pair was normal there.
  const basePhases = basePhaseFile === undefined ? undefined : PhaseFile.load(basePhaseFile);
  return { context: new ReviewContext(pairs, phases, planStack, basePhases), notes };
}
