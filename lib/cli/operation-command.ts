import { Command } from "commander";
import { AivenClient } from "../aiven/aiven-client";
import { CommonOptions, DEFAULT_LOST_ANSWER_GRACE, OperationDeps } from "../operations/operation-inputs";
import { realTerraform } from "../terraform/terraform-factory";
import { EXIT } from "../exit-codes";
import { OPERATION_REGISTRY } from "../operations/operation-registry";
import { OperationName } from "../phase/phase-record";
import { UserError } from "../user-error";
import { CommandIo, runCommand } from "./command-runner";
import { commandName } from "./crdr-commands";
import { parseCommandLine } from "./parse-command-line";
import { assertStackName } from "../stack-name";
import { boundedDuration, WAIT_BOUNDS, waitDurations } from "./wait-durations";

/**
 * An operation's command, generated from its registry entry: the options
 * every DR operation takes (one pair with --stack, or a region's pairs with
 * --region) and the operation's own.
 */
export function operationCommand(name: OperationName, as: string = commandName(name)): Command {
  const spec = OPERATION_REGISTRY[name];
  const command = new Command(as)
    .description(spec.description)
    .option("--stack <pair>", "the pair's stack, as in cdktf.out/stacks/<pair>")
    .option("--region <cloud>", `every pair whose primary is in this cloud region and whose phase allows ${name}`)
    .option(
      "--project <name>",
      "with --region: only the pairs in this Aiven project (one run per project, each within its own token's rate limit)",
    )
    .option(
      "--parallel <n>",
      "with --region: pairs in flight at once (API requests and terraform processes are limited separately)",
      "100",
    )
    .option("--dry-run", "print every step, API call and terraform command; change nothing", false)
    .option("--yes", "do not ask for confirmation", false)
    .option("--json", "print NDJSON events on stdout (one JSON object per line, each with type and ts)", false)
    .option("--timeout <duration>", "how long to wait for Aiven at each waiting step", spec.defaultTimeout)
    .option("--poll-interval <duration>", "how often to poll both peers while waiting", "5s")
    .option(
      "--lost-answer-grace <duration>",
      "after a role change's answer is lost, how long to read the peers for a sign that Aiven applied it before concluding it did not",
      DEFAULT_LOST_ANSWER_GRACE,
    )
    .option(
      "--resend",
      "send again a role change Aiven accepted but never acted on: only once both peers read exactly as before it, past the grace period",
      false,
    );
  for (const flag of spec.flags) command.option(flag.flags, flag.description, flag.default);
  return command;
}

type SharedFlags = {
  stack?: string;
  region?: string;
  project?: string;
  parallel: string;
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  timeout: string;
  pollInterval: string;
  lostAnswerGrace: string;
  resend: boolean;
};

/**
 * Parses the operation's command line, builds the dependencies, and runs its
 * registered body on the --stack pair or on every pair of the --region, with
 * the usual error handling; a region run exits with the worst of its pairs' codes.
 */
export function runOperation(
  operation: OperationName,
  program: Command = operationCommand(operation),
  argv: readonly string[] = process.argv,
): void {
  const runPair = OPERATION_REGISTRY[operation].run;
  parseCommandLine(program, argv);
  const opts = program.opts<SharedFlags>();
  void runCommand(opts.json, async (io: CommandIo) => {
    if (opts.project !== undefined && !opts.region) {
      throw new UserError(
        `--project "${opts.project}" only narrows a region run; pass --region <cloud> with it, or drop it (--stack names one pair, which is in one project).`,
      );
    }
    if (!!opts.stack === !!opts.region) {
      throw new UserError(
        `Pass exactly one of --stack <pair> or --region <cloud>; --stack runs ${operation} on one pair, --region on every pair whose primary is there.`,
      );
    }
    if (opts.stack !== undefined) assertStackName(opts.stack);
    const common: CommonOptions = {
      stack: opts.stack ?? "",
      dryRun: opts.dryRun,
      yes: opts.yes,
      ...waitDurations(opts.timeout, opts.pollInterval),
      lostAnswerGraceMs: boundedDuration(opts.lostAnswerGrace, "--lost-answer-grace", WAIT_BOUNDS.timeout),
      resend: opts.resend,
    };
    // Nobody can answer the prompt: refuse before reading Aiven or starting terraform.
    if (!common.dryRun && !common.yes && !io.confirm)
      throw new UserError("No terminal to confirm on; rerun with --yes to go ahead without the prompt.");
    const deps: OperationDeps = {
      projectDir: process.cwd(),
      env: process.env,
      client: AivenClient.fromEnv(process.env, {
        onRetry: (attempt, error) => io.reporter.warn(`retrying a read (${attempt}) after: ${error.message}`),
      }),
      reporter: io.reporter,
      confirm: io.confirm,
      terraform: realTerraform,
    };
    if (opts.stack) {
      await runPair(common, opts, deps);
      return EXIT.ok;
    }
    const parallel = Number(opts.parallel);
    if (!Number.isInteger(parallel) || parallel < 1)
      throw new UserError(`--parallel "${opts.parallel}" is not a positive whole number; use a value such as 100.`);
    // Loaded only for a region run: a single pair's failover starts without it.
    const { regionExitCode, regionRun } = await import("../operations/region-run");
    const outcomes = await regionRun(
      operation,
      {
        region: opts.region!,
        project: opts.project,
        parallel,
        dryRun: common.dryRun,
        yes: common.yes,
        pollIntervalMs: common.pollIntervalMs,
      },
      deps,
      (stack, pairDeps) => runPair({ ...common, stack, yes: true }, opts, pairDeps),
    );
    return regionExitCode(outcomes);
  });
}
