import { UserError } from "../user-error";
import { passSynthGate } from "./synth-gate";

/**
 * Runs the synth of main.ts. A mistake in the declarations or the phase file
 * is reported as its message alone, with a non-zero exit; anything else is a
 * bug and keeps its stack trace.
 */
export function runSynthApp(synth: () => void): void {
  process.env.CHECKPOINT_DISABLE ??= "1";
  // A synth started ahead of an operation's phase record waits here, its modules loaded.
  passSynthGate();
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
