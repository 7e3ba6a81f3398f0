import { Command } from "commander";
import { npmScriptName, parseCommandLine } from "../lib/cli/parse-command-line";
import { DEFAULT_RATE_LIMIT, parseRateLimit } from "../lib/aiven/request-budget";
import { UserError } from "../lib/user-error";
import { failoverOverheadBench, fleetBench } from "./fleet-bench";
import { synthBench } from "./synth-bench";
import { triggerBench } from "./trigger-bench";

/**
 * `npm run bench`: figures and ratios, printed. BENCH_ONLY=synth|fleet|failover
 * runs one part; BENCH_RUNS sets the repetitions; BENCH_FLEET_SIZES the fleet
 * sizes (default 1,10,50,200); BENCH_RATE_LIMIT the limit the simulator
 * enforces and the runs keep to (default 120/60s); BENCH_TRANSITION_MS the
 * simulator's failover time (default 1000).
 */
async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  const rate = process.env.BENCH_RATE_LIMIT ? parseRateLimit(process.env.BENCH_RATE_LIMIT) : DEFAULT_RATE_LIMIT;
  if (!rate)
    throw new UserError(
      `BENCH_RATE_LIMIT=${JSON.stringify(process.env.BENCH_RATE_LIMIT)} is not a rate; give requests per window such as 120/60s.`,
    );
  const transitionMs = Number(process.env.BENCH_TRANSITION_MS ?? "1000");
  if (!Number.isInteger(transitionMs) || transitionMs < 0)
    throw new UserError(
      `BENCH_TRANSITION_MS=${JSON.stringify(process.env.BENCH_TRANSITION_MS)} is not a whole number of milliseconds; give one such as 1000.`,
    );
  if (!only || only === "synth") synthBench();
  if (!only || only === "failover") await failoverOverheadBench(Number(process.env.BENCH_RUNS ?? "3"));
  if (!only || only === "trigger") await triggerBench(Number(process.env.BENCH_RUNS ?? "3"));
  if (!only || only === "fleet")
    await fleetBench((process.env.BENCH_FLEET_SIZES ?? "1,10,50,200").split(",").map(Number), rate, transitionMs);
}

parseCommandLine(
  new Command(npmScriptName("bench")).description(
    "Measure synth, the failover's overhead and region runs over fleets, and print figures and ratios. Settings are environment variables: BENCH_ONLY=synth|fleet|failover|trigger runs one part, BENCH_RUNS the repetitions (default 3), BENCH_FLEET_SIZES the fleet sizes (default 1,10,50,200), BENCH_RATE_LIMIT the rate limit enforced (default 120/60s), BENCH_TRANSITION_MS the simulator's failover time (default 1000).",
  ),
);
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
