import { Command } from "commander";
import { npmScriptName, parseCommandLine } from "../lib/cli/parse-command-line";
import { failoverOverheadBench, fleetBench } from "./fleet-bench";
import { synthBench } from "./synth-bench";
import { triggerBench } from "./trigger-bench";

/**
 * `npm run bench`: figures and ratios, printed. BENCH_ONLY=synth|fleet|failover
 * runs one part; BENCH_RUNS sets the repetitions; BENCH_FLEET_SIZES the fleet
 * sizes (default 1,10,50,200).
 */
async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  if (!only || only === "synth") synthBench();
  if (!only || only === "failover") await failoverOverheadBench(Number(process.env.BENCH_RUNS ?? "3"));
  if (!only || only === "trigger") await triggerBench(Number(process.env.BENCH_RUNS ?? "3"));
  if (!only || only === "fleet") await fleetBench((process.env.BENCH_FLEET_SIZES ?? "1,10,50,200").split(",").map(Number));
}

parseCommandLine(
  new Command(npmScriptName("bench")).description(
    "Measure synth, the failover's overhead and region runs over fleets, and print figures and ratios. Settings are environment variables: BENCH_ONLY=synth|fleet|failover|trigger runs one part, BENCH_RUNS the repetitions (default 3), BENCH_FLEET_SIZES the fleet sizes (default 1,10,50,200).",
  ),
);
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
