import { Command } from "commander";
import { AivenClient } from "../aiven/aiven-client";
import { CommonOptions, OperationDeps } from "../operations/operation-context";
import { CommandIo, parseDuration, runCommand } from "./command-runner";

/** Declares the options every DR operation takes. */
export function operationCommand(name: string, description: string, defaultTimeout: string, stackRequired = true): Command {
  const command = new Command(name).description(description);
  const stackHelp = "the pair's stack, as in cdktf.out/stacks/<pair>";
  return (stackRequired ? command.requiredOption("--stack <pair>", stackHelp) : command.option("--stack <pair>", stackHelp))
    .option("--dry-run", "print every step, API call and terraform command; change nothing", false)
    .option("--yes", "do not ask for confirmation", false)
    .option("--json", "print machine-readable JSON events", false)
    .option("--timeout <duration>", "how long to wait for Aiven at each waiting step", defaultTimeout)
    .option("--poll-interval <duration>", "how often to poll both peers while waiting", "5s")
    .showHelpAfterError();
}

/** Parses the shared options, builds the dependencies, and runs `body` with the usual error handling. */
export function runOperation<O extends Record<string, unknown>>(
  program: Command,
  body: (common: CommonOptions, opts: O, deps: OperationDeps) => Promise<unknown>,
): void {
  program.parse();
  const opts = program.opts<O & { stack: string; dryRun: boolean; yes: boolean; json: boolean; timeout: string; pollInterval: string }>();
  void runCommand(opts.json, async (io: CommandIo) => {
    const common: CommonOptions = {
      stack: opts.stack,
      dryRun: opts.dryRun,
      yes: opts.yes,
      timeoutMs: parseDuration(opts.timeout, "--timeout"),
      pollIntervalMs: parseDuration(opts.pollInterval, "--poll-interval"),
    };
    const deps: OperationDeps = {
      projectDir: process.cwd(),
      env: process.env,
      client: AivenClient.fromEnv(process.env, { onRetry: (attempt, error) => io.reporter.warn(`retrying (${attempt}) after: ${error.message}`) }),
      reporter: io.reporter,
      confirm: io.confirm,
    };
    const code = await body(common, opts, deps);
    return typeof code === "number" ? code : 0;
  });
}
