import { JSON_VERSION } from "../reporting/reporter";

/**
 * The `error` event that ends the output of a command run with `--json`,
 * whatever stopped it (a usage mistake, an unknown command, a refusal, a
 * bug): a script reading stdout always finds one machine-readable last line.
 */
export function jsonErrorEvent(exitCode: number, message: string): string {
  return JSON.stringify({ version: JSON_VERSION, ts: new Date().toISOString(), type: "error", exitCode, message });
}
