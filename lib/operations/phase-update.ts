import { PhaseFolder } from "../phase/phase-folder";
import { PhaseRecord } from "../phase/phase-record";
import { readCdktfConfig } from "../settings/cdktf-config";
import { GatedSynth } from "../synth/gated-synth";
import { synthesize } from "../synth/synthesize";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { UserError } from "../user-error";
import { withFileLock, withSynthLock } from "./operation-lock";

/**
 * Writes a pair's new record into its phase file. Other runs (a region run's
 * pairs, the migration to the phase folder) write phases too: they are read
 * again and written under the phase writers' own lock.
 */
export async function writePhaseRecord(phaseFolder: string, stack: string, record: PhaseRecord): Promise<void> {
  await withFileLock(phaseFolder, () => PhaseFolder.record(phaseFolder, stack, record));
}

/**
 * Resynthesizes under the synth lock, and checks that the stack now
 * synthesizes what `record` says. A failed synth leaves the record written:
 * the message says so and how to mend it.
 */
export async function resynthesizeFor(
  projectDir: string,
  env: NodeJS.ProcessEnv,
  stackName: string,
  record: PhaseRecord,
  phaseFileShown: string,
  /** The synth started as the run began, waiting for this record: used instead of a new one. */
  early?: GatedSynth,
): Promise<SynthesizedStack> {
  try {
    await withSynthLock(projectDir, () => (early ? early.synthesize() : synthesize(projectDir, env)));
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(
      `the phase "${record.phase}" is recorded in ${phaseFileShown}, but resynthesizing failed, so cdk.tf.json is stale; run npm run synth once the cause is fixed, before any plan.\n${err.message}`,
    );
  }
  const stack = SynthesizedStack.load(readCdktfConfig(projectDir).outdir, stackName);
  stack.verifyAgainst(record);
  return stack;
}
