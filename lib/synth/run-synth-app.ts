import { UserError } from "../user-error";

/**
 * Runs the synth of main.ts. A mistake in the declarations or the phase file
 * is reported as its message alone, with a non-zero exit; anything else is a
 * bug and keeps its stack trace.
 */
export function runSynthApp(synth: () => void): void {
  process.env.CHECKPOINT_DISABLE ??= "1";
  try {
    synth();
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(err.exitCode);
    }
    throw err;
  }
}
