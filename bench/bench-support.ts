import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const RUNS = Number(process.env.BENCH_RUNS ?? "3");

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Wall time of a command, in ms (it must succeed). */
export function timeCommand(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", ...options.env },
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr || result.stdout}`);
  return ms;
}

export function medianOf(runs: number, measure: () => number): number {
  return median(Array.from({ length: runs }, measure));
}

const tempDirs = new Set<string>();

/**
 * A temp folder removed when the bench ends, however it ends short of
 * SIGKILL: a bench stopped with Ctrl-C leaves no state files behind.
 */
export function benchTempDir(prefix: string): string {
  if (tempDirs.size === 0) {
    process.once("exit", removeTempDirs);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        removeTempDirs();
        process.exit(130);
      });
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function removeTempDirs(): void {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** A throw-away project whose cdktf.json runs the compiled fleet app (CRDR_BENCH_PAIRS pairs). */
export function fleetProject(): string {
  const dir = benchTempDir("crdr-bench-");
  fs.writeFileSync(
    path.join(dir, "cdktf.json"),
    JSON.stringify({ app: `node ${JSON.stringify(path.join(ROOT, "dist", "bench", "fleet-app.js"))}`, context: {} }),
  );
  return dir;
}

export function row(label: string, ms: number, extra = ""): string {
  return `${label.padEnd(52)} ${ms.toFixed(0).padStart(7)} ms${extra ? `  ${extra}` : ""}`;
}

export function ratio(value: number, base: number, target?: number): string {
  const r = value / base;
  return `${r.toFixed(2)}×${target !== undefined ? ` (target ≤ ${target}×: ${r <= target ? "met" : "NOT met"})` : ""}`;
}
