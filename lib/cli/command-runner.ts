import { EXIT } from "../exit-codes";
import { JsonReporter, Reporter, TextReporter } from "../reporting/reporter";
import { secretRedactor } from "../reporting/secret-redactor";
import { UnfinishedError } from "../operations/unfinished-error";
import { FAILURE_TRACE_EVENT } from "../operations/failure-trace";
import { UserError } from "../user-error";
import { jsonErrorEvent } from "./json-error-event";

export interface CommandIo {
  readonly reporter: Reporter;
  readonly redact: (text: string) => string;
  /** Undefined when stdin is not a terminal: nobody can answer a prompt. */
  readonly confirm?: (prompt: string, expected: string) => Promise<boolean>;
}

/**
 * Runs a command's body the same way for every script: output through a
 * redacting reporter, user errors as one message and a non-zero exit, bugs
 * with their stack trace (redacted too), except after a change at Aiven: the
 * message then leads with the change, and the trace is in the journal.
 */
export async function runCommand(
  json: boolean,
  body: (io: CommandIo) => Promise<number | void>,
  options: { interruptible?: boolean } = {},
): Promise<void> {
  const redact = secretRedactor(process.env);
  const write = (line: string) => process.stdout.write(line + "\n");
  // Under --json, every way a command ends in error is also one `error` event on stdout.
  const jsonError = (exitCode: number, message: string) => {
    if (json) write(jsonErrorEvent(exitCode, message));
  };
  if (options.interruptible ?? true) {
    const stop = (signal: NodeJS.Signals, exitCode: number) =>
      process.once(signal, () => {
        const message = `${signal === "SIGINT" ? "Interrupted" : "Terminated (SIGTERM)"}; rerun the same command to resume: it reads what already happened at Aiven before sending anything.`;
        jsonError(exitCode, message);
        process.stderr.write(`\n✖ ${message}\n`);
        process.exit(exitCode);
      });
    stop("SIGINT", EXIT.interrupted);
    stop("SIGTERM", EXIT.terminated);
  }
  const reporter = json ? new JsonReporter(write, redact) : new TextReporter(write, redact);
  const confirm = process.stdin.isTTY
    ? async (prompt: string, expected: string) => {
        // Loaded only to ask: a run with --yes (every scripted one) starts without it.
        const { createInterface } = await import("readline");
        return new Promise<boolean>((resolve) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          rl.question(prompt, (answer) => {
            rl.close();
            resolve(answer.trim() === expected);
          });
        });
      }
    : undefined;
  try {
    const code = await body({ reporter, redact, confirm });
    process.exitCode = code ?? 0;
  } catch (err) {
    if (err instanceof UserError) {
      jsonError(err.exitCode, redact(err.message));
      process.stderr.write(redact(`✖ ${err.message}`) + "\n");
      if (err instanceof UnfinishedError && err.traceKeptIn)
        process.stderr.write(
          `  (An unexpected error: its stack trace is in ${err.traceKeptIn}, event "${FAILURE_TRACE_EVENT}", for a bug report.)\n`,
        );
      process.exitCode = err.exitCode;
      return;
    }
    jsonError(EXIT.bug, redact(String((err as Error)?.message ?? err)));
    process.stderr.write(redact(String((err as Error)?.stack ?? err)) + "\n");
    process.exitCode = EXIT.bug;
  }
}
