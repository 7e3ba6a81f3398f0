import { CommandIo, runCommand } from "../../lib/cli/command-runner";

export interface OperationStream {
  /** What the command printed on stdout: its NDJSON events, the `error` event included. */
  readonly ndjson: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * Runs a command body in this process the way the scripts run it with
 * `--json` (`runCommand`: the JSON reporter, the `error` event, exit codes),
 * and keeps what it printed, so tests read the stream an operation really
 * writes. The simulator can share the process: nothing blocks.
 */
export async function captureOperationStream(
  body: (io: CommandIo) => Promise<number | void>,
): Promise<OperationStream> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  const exitCodeBefore = process.exitCode;
  process.stdout.write = ((chunk: string | Uint8Array) =>
    stdout.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) =>
    stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    await runCommand(true, body);
    return { ndjson: stdout.join(""), stderr: stderr.join(""), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = exitCodeBefore;
  }
}
