import * as fs from "fs";
import * as path from "path";
import { Command, Option } from "commander";
import { runCommand } from "../lib/cli/command-runner";
import { parseMillis } from "../lib/duration";
import { commandName, TOOL_COMMANDS } from "../lib/cli/crdr-commands";
import { parseCommandLine } from "../lib/cli/parse-command-line";
import { readCdktfConfig } from "../lib/settings/cdktf-config";
import { SynthesizedStack } from "../lib/synth/synthesized-stack";
import { SimServer } from "../lib/simulator/sim-server";
import { FaultSpec } from "../lib/simulator/sim-faults";
import { UserError } from "../lib/user-error";
import { parseRateLimit } from "../lib/aiven/request-budget";
import { RATE_LIMIT_SCOPES, RateLimitScope } from "../lib/aiven/project-budgets";

function addFault(sim: SimServer, json: string): void {
  try {
    sim.faults.add(JSON.parse(json) as FaultSpec);
  } catch (err) {
    throw new UserError(
      `--fault '${json}' is not a fault (${(err as Error).message}); give one as JSON such as '{"kind":"unreadable","forMs":5000}' (kinds: lib/simulator/sim-faults.ts).`,
    );
  }
}

const program = new Command(commandName("sim"))
  .description(TOOL_COMMANDS["sim"].description)
  .option("--port <port>", "port to listen on (0 picks a free one)", "0")
  .option("--token <token>", "the token it accepts (default: $AIVEN_TOKEN, else 'sim-token')")
  .option("--delay <ms>", "duration of every simulated transition, in milliseconds", "3000")
  .option("--role-lag <ms>", "how long a changed service shows a transitional state with its old role", "1000")
  .option("--swap-link", "make the DR link's ends follow the active role", false)
  .option(
    "--fault <json>",
    'inject a fault, as JSON (see lib/simulator/sim-faults.ts), e.g. \'{"kind":"unreadable","after":{"method":"PUT"},"forMs":30000}\'; repeatable',
    (value: string, all: string[]) => [...all, value],
    [] as string[],
  )
  .option(
    "--rate-limit <rate>",
    "answer 429 with Aiven's message past this many API requests in any window, such as 120/60s (default: no limit)",
  )
  .addOption(
    new Option(
      "--rate-limit-per <what>",
      "count the rate limit over every request (token) or each Aiven project's apart (project)",
    )
      .choices(RATE_LIMIT_SCOPES)
      .default("token"),
  );
parseCommandLine(program);
const opts = program.opts();

void runCommand(
  false,
  async ({ reporter }) => {
    const token = opts.token ?? process.env.AIVEN_TOKEN ?? "sim-token";
    const delay = parseMillis(opts.delay, "--delay");
    const rateLimit = opts.rateLimit === undefined ? undefined : parseRateLimit(opts.rateLimit);
    if (opts.rateLimit !== undefined && !rateLimit) {
      throw new UserError(
        `--rate-limit ${JSON.stringify(opts.rateLimit)} is not a rate; give requests per window such as 120/60s.`,
      );
    }
    const sim = new SimServer({
      token,
      port: Number(opts.port),
      delays: {
        failoverMs: delay,
        rebuildMs: delay,
        rebalanceMs: delay,
        switchoverMs: delay,
        roleLagMs: parseMillis(opts.roleLag, "--role-lag"),
      },
      behaviour: { swapLinkOnTakeover: opts.swapLink },
      rateLimit: rateLimit && { ...rateLimit, per: opts.rateLimitPer as RateLimitScope },
    });
    for (const fault of opts.fault as string[]) addFault(sim, fault);
    const { outdir } = readCdktfConfig(process.cwd());
    const synthesized = fs.existsSync(path.join(outdir, "manifest.json"));
    if (!synthesized)
      reporter.warn("nothing synthesized yet: the simulator starts empty (run npm run synth first to seed it)");
    const stacks = synthesized ? SynthesizedStack.listStacks(outdir) : [];
    for (const name of stacks) {
      const { pair } = SynthesizedStack.load(outdir, name);
      sim.model.addPairFromManifest(pair);
      reporter.info(
        `seeded ${pair.project}/${pair.primary.serviceName} (active) → ${pair.recovery.serviceName} (passive)`,
      );
    }
    const url = await sim.start();
    if (rateLimit)
      reporter.info(
        `rate limit: ${rateLimit.limit} requests in any ${rateLimit.windowMs / 1000}s${opts.rateLimitPer === "project" ? " per Aiven project" : ""}; past it, 429 with Aiven's message and Retry-After`,
      );
    // A line to paste into another shell as it is. A token taken from
    // $AIVEN_TOKEN is not printed: that shell has it already, or sets it itself.
    const exportLine =
      opts.token === undefined && process.env.AIVEN_TOKEN !== undefined
        ? `export AIVEN_WEB_URL=${url}  # AIVEN_TOKEN: the one this shell has`
        : `export AIVEN_WEB_URL=${url} AIVEN_TOKEN=${shellQuote(token)}`;
    reporter.done(`Aiven API simulator listening on ${url}\n  ${exportLine}\n  Ctrl-C stops it.`);
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    await sim.stop();
  },
  { interruptible: false },
);

/** A word the shell reads back as exactly `value`. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
