import { PhaseFile } from "../phase/phase-file";
import { PhaseRecord } from "../phase/phase-record";
import { readCdktfConfig } from "../settings/cdktf-config";
import { synthesize } from "../synth/synthesize";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { UserError } from "../user-error";
import { withFileLock, withSynthLock } from "./operation-lock";

/**
 * Writes a pair's new record into the phase file. Other runs (other pairs, a
 * region run) rewrite the same file: it is read again and written under its
 * own lock, so no run's record is lost.
 */
export async function writePhaseRecord(phaseFile: string, stack: string, record: PhaseRecord): Promise<void> {
  await withFileLock(phaseFile, () => PhaseFile.load(phaseFile).with(stack, record).save());
}

/**
 * Resynthesizes under the synth lock, and checks that the stack now
 * synthesizes what `record` says. A failed synth leaves the record written:
 * the message says so and how to mend it.
 */
export async function resynthesizeFor(projectDir: string, env: NodeJS.ProcessEnv, stackName: string, record: PhaseRecord, phaseFileShown: string): Promise<SynthesizedStack> {
  try {
    await withSynthLock(projectDir, () => synthesize(projectDir, env));
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`the phase "${record.phase}" is recorded in ${phaseFileShown}, but resynthesizing failed, so cdk.tf.json is stale; run npm run synth once the cause is fixed, before any plan.\n${err.message}`);
  }
  const stack = SynthesizedStack.load(readCdktfConfig(projectDir).outdir, stackName);
  stack.verifyAgainst(record);
  return stack;
}
