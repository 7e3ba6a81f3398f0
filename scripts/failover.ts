import { Command } from "commander";
import { AivenClient } from "../lib/aiven/aiven-client";
import { parseDuration, runCommand } from "../lib/cli/command-runner";
import { failover } from "../lib/operations/failover";

const program = new Command("failover")
  .description("Fail a CRDR pair over to its recovery region: trigger at Aiven, wait, reconcile Terraform state, record the phase, resynthesize.")
  .requiredOption("--stack <pair>", "the pair's stack, as in cdktf.out/stacks/<pair>")
  .option("--primary-unreachable", "also forget the primary in Terraform state (its region is down)", false)
  .option("--state-only", "the failover was already done in the Console or CLI: verify and reconcile only", false)
  .option("--dry-run", "print every step, API call and terraform command; change nothing", false)
  .option("--yes", "do not ask for confirmation", false)
  .option("--json", "print machine-readable JSON events", false)
  .option("--timeout <duration>", "how long to wait for the takeover", "30m")
  .option("--poll-interval <duration>", "how often to poll both peers while waiting", "5s")
  .option("--force", "fail over even when the recovery service is not a RUNNING passive peer", false)
  .showHelpAfterError();

program.parse();
const opts = program.opts();

void runCommand(opts.json, async (io) => {
  const result = await failover(
    {
      stack: opts.stack,
      primaryUnreachable: opts.primaryUnreachable,
      stateOnly: opts.stateOnly,
      dryRun: opts.dryRun,
      yes: opts.yes,
      force: opts.force,
      timeoutMs: parseDuration(opts.timeout, "--timeout"),
      pollIntervalMs: parseDuration(opts.pollInterval, "--poll-interval"),
    },
    {
      projectDir: process.cwd(),
      env: process.env,
      client: AivenClient.fromEnv(process.env, {
        onRetry: (attempt, error) => io.reporter.warn(`retrying (${attempt}) after: ${error.message}`),
      }),
      reporter: io.reporter,
      confirm: io.confirm,
    },
  );
  return result ? 0 : 1;
});
