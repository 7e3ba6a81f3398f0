import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AivenClient } from "../lib/aiven/aiven-client";
import { RateLimit } from "../lib/aiven/request-budget";
import { pushRehearsalState } from "../lib/drill/rehearsal-state";
import { PhaseFile } from "../lib/phase/phase-file";
import { SimDelays } from "../lib/simulator/sim-model";
import { SimServer } from "../lib/simulator/sim-server";
import { synthesize } from "../lib/synth/synthesize";
import { SynthesizedStack } from "../lib/synth/synthesized-stack";
import { TerraformCli } from "../lib/terraform/terraform-cli";
import { fleetProject, ratio, ROOT, row } from "./bench-support";

const TOKEN = "bench-token-5d1f";
const REGION = "google-europe-west1";
const SHORT: SimDelays = { failoverMs: 1000, rebuildMs: 1000, rebalanceMs: 1000, switchoverMs: 1000, roleLagMs: 300 };
const NONE: SimDelays = { failoverMs: 0, rebuildMs: 0, rebalanceMs: 0, switchoverMs: 0, roleLagMs: 0 };

interface Fleet {
  readonly dir: string;
  readonly sim: SimServer;
  readonly env: NodeJS.ProcessEnv;
  readonly stacks: string[];
}

/** A synthesized fleet of `pairs` pairs, seeded at the simulator and in real local state. */
export async function fleet(pairs: number, delays: SimDelays, rate = { limit: 120, windowMs: 60_000 }): Promise<Fleet> {
  const dir = fleetProject();
  const env = { ...process.env, CRDR_BENCH_PAIRS: String(pairs), CRDR_BENCH_PRIMARY_CLOUDS: REGION, TF_CLI_CONFIG_FILE: "/dev/null" };
  const { outdir } = synthesize(dir, env);
  const stacks = SynthesizedStack.listStacks(outdir);
  const sim = new SimServer({ token: TOKEN, delays, rateLimit: rate });
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < stacks.length) {
        const stack = SynthesizedStack.load(outdir, stacks[next++]);
        sim.model.addPairFromManifest(stack.pair);
        await pushRehearsalState(new TerraformCli({ cwd: stack.workingDirectory, env }), stack.pair, { primary: true, recovery: true, integrationId: `id-${stack.name}` });
      }
    }),
  );
  const url = await sim.start();
  return { dir, sim, stacks, env: { ...env, AIVEN_WEB_URL: url, AIVEN_TOKEN: TOKEN, CRDR_API_RATE_LIMIT: `${rate.limit}/${rate.windowMs}ms` } };
}

/** Runs a `crdr` command (compiled) without blocking this process (the simulator lives here); its wall time in ms. */
function timeScript(f: Fleet, script: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(ROOT, "dist", "scripts", "crdr.js"), script, ...args], { cwd: f.dir, env: f.env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0 && !(script === "status" && code !== null && code < 6)) reject(new Error(`${script} exited ${code}: ${err}`));
      else resolve(ms);
    });
  });
}

export async function close(f: Fleet): Promise<void> {
  await f.sim.stop();
  fs.rmSync(f.dir, { recursive: true, force: true });
}

/**
 * The least time a region failover of `pairs` pairs can take inside `rate`
 * (Aiven counts requests in a sliding window): one list read to see the
 * pairs, every role change, and one list read, after the transition, that
 * confirms them all. The k-th request (from 0) can leave no earlier than
 * floor(k / limit) windows after the first.
 */
export function regionFailoverFloorMs(pairs: number, rate: RateLimit, transitionMs: number): number {
  const earliest = (k: number) => Math.floor(k / rate.limit) * rate.windowMs;
  const lastRoleChange = earliest(pairs);
  return Math.max(lastRoleChange + transitionMs, earliest(pairs + 1));
}

/**
 * Region failover and `status --all` over 1, 10, 50 and 200 pairs, against
 * the simulator with short transitions and Aiven's rate limit enforced; the
 * ratio to one pair shows how cost grows with the fleet, and the ratio to
 * the floor what the tool adds to what Aiven's limit allows.
 */
export async function fleetBench(sizes = [1, 10, 50, 200]): Promise<void> {
  const rate: RateLimit = { limit: 120, windowMs: 60_000 };
  const transitionMs = SHORT.roleLagMs + SHORT.failoverMs;
  console.log(`\nfleet (simulator transitions ${transitionMs} ms, rate limit ${rate.limit} per ${rate.windowMs / 1000} s enforced)`);
  const results: Array<{ pairs: number; failover: number; status: number; limited: number; rejected: number }> = [];
  for (const pairs of sizes) {
    const f = await fleet(pairs, SHORT, rate);
    try {
      const failover = await timeScript(f, "failover", ["--region", REGION, "--yes", "--poll-interval", "500ms"]);
      const failedOver = PhaseFile.load(path.join(f.dir, "crdr-phases.json")).stacks().length;
      if (failedOver !== pairs) throw new Error(`${failedOver} of ${pairs} pairs recorded as failed over`);
      const status = await timeScript(f, "status", ["--all", "--json"]);
      results.push({ pairs, failover, status, limited: f.sim.apiCalls().length, rejected: f.sim.apiCalls().filter((r) => r.status === 429).length });
    } finally {
      await close(f);
    }
  }
  const one = results[0];
  for (const r of results) {
    const targets = { 50: [3, 3], 200: [10, undefined] } as Record<number, [number | undefined, number | undefined]>;
    const [ft, st] = targets[r.pairs] ?? [undefined, undefined];
    const floor = regionFailoverFloorMs(r.pairs, rate, transitionMs);
    console.log(row(`region failover, ${r.pairs} pair(s)`, r.failover, `${ratio(r.failover, one.failover, ft)} of 1 pair; ${r.limited} requests, ${r.rejected} answered 429`));
    console.log(row(`  floor inside the limit, ${r.pairs} pair(s)`, floor, `the run is ${ratio(r.failover, floor, r.pairs === 200 ? 1.3 : undefined)} of it`));
    console.log(row(`status --all, ${r.pairs} pair(s)`, r.status, ratio(r.status, one.status, st)));
  }
}

/**
 * One pair's failover against the bare sequence of what it does: the same
 * API calls, the same terraform commands and one compiled synth, run back to
 * back with nothing else. The difference is the tool's own cost.
 */
export async function failoverOverheadBench(runs = 3): Promise<void> {
  console.log(`\nfailover of one pair against the bare sum of its calls (no simulated delay; median of ${runs})`);
  const bare: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < runs; i++) {
    const f = await fleet(1, NONE);
    try {
      const stack = SynthesizedStack.load(path.join(f.dir, "cdktf.out"), f.stacks[0]);
      const client = new AivenClient({ baseUrl: f.env.AIVEN_WEB_URL!, token: TOKEN });
      const terraform = new TerraformCli({ cwd: stack.workingDirectory, env: f.env });
      const { project, primary, recovery } = stack.pair;
      const started = process.hrtime.bigint();
      // What the failover does, as its journal and the in-process tests show:
      // read both peers (preflight, then again right before the request), the
      // terraform preflight (the backend is already initialized), the
      // request, one poll, then the state commands and one synth.
      const readPeers = () => Promise.all([client.getService(project, primary.serviceName), client.getService(project, recovery.serviceName)]);
      await readPeers();
      await terraform.checkVersion();
      await terraform.stateList();
      await terraform.stateRmDryRun([stack.pair.integration.address]);
      await readPeers();
      await client.updateService(project, primary.serviceName, { disaster_recovery_role: "failed" });
      await readPeers();
      await terraform.stateList();
      await terraform.statePull();
      await terraform.stateRm([stack.pair.integration.address]);
      synthesize(f.dir, { ...f.env });
      bare.push(Number(process.hrtime.bigint() - started) / 1e6);
    } finally {
      await close(f);
    }
    const g = await fleet(1, NONE);
    try {
      full.push(await timeScript(g, "failover", ["--stack", g.stacks[0], "--yes", "--poll-interval", "200ms"]));
    } finally {
      await close(g);
    }
  }
  const b = [...bare].sort((x, y) => x - y)[Math.floor(runs / 2)];
  const w = [...full].sort((x, y) => x - y)[Math.floor(runs / 2)];
  console.log(row("bare sum: API calls + terraform commands + one synth", b));
  console.log(row("npm run failover (compiled script)", w, `${ratio(w, b, 1.2)} of the bare sum`));
}
