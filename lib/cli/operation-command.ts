import { Command } from "commander";
import { AivenClient } from "../aiven/aiven-client";
import { parseDuration } from "../duration";
import { CommonOptions, DEFAULT_LOST_ANSWER_GRACE, OperationDeps } from "../operations/operation-context";
import { CommandIo, runCommand } from "./command-runner";
import { npmScriptName, parseCommandLine } from "./parse-command-line";

/** Declares the options every DR operation takes. */
export function operationCommand(name: string, description: string, defaultTimeout: string, stackRequired = true): Command {
  const command = new Command(npmScriptName(name)).description(description);
  const stackHelp = "the pair's stack, as in cdktf.out/stacks/<pair>";
  return (stackRequired ? command.requiredOption("--stack <pair>", stackHelp) : command.option("--stack <pair>", stackHelp))
    .option("--dry-run", "print every step, API call and terraform command; change nothing", false)
    .option("--yes", "do not ask for confirmation", false)
    .option("--json", "print NDJSON events on stdout (one JSON object per line, each with type and ts)", false)
    .option("--timeout <duration>", "how long to wait for Aiven at each waiting step", defaultTimeout)
    .option("--poll-interval <duration>", "how often to poll both peers while waiting", "5s")
    .option(
      "--lost-answer-grace <duration>",
      "after a role change's answer is lost, how long to read the peers for a sign that Aiven applied it before concluding it did not",
      DEFAULT_LOST_ANSWER_GRACE,
    );
}

/** Parses the shared options, builds the dependencies, and runs `body` with the usual error handling. */
export function runOperation<O extends Record<string, unknown>>(
  program: Command,
  body: (common: CommonOptions, opts: O, deps: OperationDeps) => Promise<unknown>,
): void {
  parseCommandLine(program);
  const opts = program.opts<O & { stack: string; dryRun: boolean; yes: boolean; json: boolean; timeout: string; pollInterval: string; lostAnswerGrace: string }>();
  void runCommand(opts.json, async (io: CommandIo) => {
    const common: CommonOptions = {
      stack: opts.stack,
      dryRun: opts.dryRun,
      yes: opts.yes,
      timeoutMs: parseDuration(opts.timeout, "--timeout"),
      pollIntervalMs: parseDuration(opts.pollInterval, "--poll-interval"),
      lostAnswerGraceMs: parseDuration(opts.lostAnswerGrace, "--lost-answer-grace"),
    };
    const deps: OperationDeps = {
      projectDir: process.cwd(),
      env: process.env,
      client: AivenClient.fromEnv(process.env, { onRetry: (attempt, error) => io.reporter.warn(`retrying a read (${attempt}) after: ${error.message}`) }),
      reporter: io.reporter,
      confirm: io.confirm,
    };
    const code = await body(common, opts, deps);
    return typeof code === "number" ? code : 0;
  });
}
