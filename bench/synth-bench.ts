import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { synthesize } from "../lib/synth/synthesize";
import { SynthesizedStack } from "../lib/synth/synthesized-stack";

/**
 * Synth time of the example project (through cdktf.json's app, including the
 * incremental tsc check) and of generated fleets of 1, 10 and 50 pairs.
 * Prints the median of several runs per case.
 */
const ROOT = path.resolve(__dirname, "..", "..");
const RUNS = Number(process.env.BENCH_RUNS ?? "5");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(label: string, projectDir: string, env: NodeJS.ProcessEnv, expectStacks: number): void {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(synthesize(projectDir, env).durationMs);
  const outdir = path.join(projectDir, "cdktf.out");
  const stacks = SynthesizedStack.listStacks(outdir).length;
  if (stacks !== expectStacks) throw new Error(`${label}: expected ${expectStacks} stacks, got ${stacks}`);
  console.log(`${label.padEnd(34)} ${String(median(times)).padStart(6)} ms  (min ${Math.min(...times)}, max ${Math.max(...times)}, ${RUNS} runs)`);
}

function fleetProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-bench-"));
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ app: `node ${JSON.stringify(path.join(ROOT, "dist", "bench", "fleet-app.js"))}`, context: {} }));
  return dir;
}

console.log(`synth benchmark (node ${process.version}, median of ${RUNS})`);
// The example as engineers run it: cdktf.json's app from the project root.
measure("example (cdktf.json app, tsc -b + node)", ROOT, process.env, 1);
for (const pairs of [1, 10, 50]) {
  const dir = fleetProject();
  measure(`${pairs} generated pair${pairs === 1 ? "" : "s"} (compiled app)`, dir, { ...process.env, CRDR_BENCH_PAIRS: String(pairs) }, pairs);
  fs.rmSync(dir, { recursive: true, force: true });
}
