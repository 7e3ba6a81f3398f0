import * as readline from "readline";
import { TOKEN_VARIABLES } from "../aiven/token-variables";
import { urlCredentials } from "../aiven/aiven-client";
import { EXIT } from "../exit-codes";
import { JSON_VERSION, JsonReporter, redactor, Reporter, TextReporter } from "../reporting/reporter";
import { UnfinishedError } from "../operations/unfinished-error";
import { UserError } from "../user-error";

export interface CommandIo {
  readonly reporter: Reporter;
  readonly redact: (text: string) => string;
  /** Undefined when stdin is not a terminal: nobody can answer a prompt. */
  readonly confirm?: (prompt: string, expected: string) => Promise<boolean>;
}

/**
 * Runs a command's body the same way for every script: output through a
 * redacting reporter, user errors as one message and a non-zero exit, bugs
 * with their stack trace (redacted too).
 */
export async function runCommand(
  json: boolean,
  body: (io: CommandIo) => Promise<number | void>,
  options: { interruptible?: boolean } = {},
): Promise<void> {
  // Credentials in AIVEN_WEB_URL are as secret as the token.
  const redact = redactor([
    ...TOKEN_VARIABLES.map((v) => process.env[v]),
    ...urlCredentials(process.env.AIVEN_WEB_URL),
  ]);
  const write = (line: string) => process.stdout.write(line + "\n");
  // Under --json, every way a command ends in error is also one `error` event on stdout.
  const jsonError = (exitCode: number, message: string) => {
    if (json)
      write(JSON.stringify({ version: JSON_VERSION, ts: new Date().toISOString(), type: "error", exitCode, message }));
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
    ? (prompt: string, expected: string) =>
        new Promise<boolean>((resolve) => {
          const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
          rl.question(prompt, (answer) => {
            rl.close();
            resolve(answer.trim() === expected);
          });
        })
    : undefined;
  try {
    const code = await body({ reporter, redact, confirm });
    process.exitCode = code ?? 0;
  } catch (err) {
    if (err instanceof UserError) {
      jsonError(err.exitCode, redact(err.message));
      process.stderr.write(redact(`✖ ${err.message}`) + "\n");
      // After a change at Aiven, a bug still shows where it happened.
      if (err instanceof UnfinishedError && err.bug)
        process.stderr.write(redact(String(err.bug.stack ?? err.bug)) + "\n");
      process.exitCode = err.exitCode;
      return;
    }
    jsonError(EXIT.bug, redact(String((err as Error)?.message ?? err)));
    process.stderr.write(redact(String((err as Error)?.stack ?? err)) + "\n");
    process.exitCode = EXIT.bug;
  }
}
