import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AivenClient } from "../lib/aiven/aiven-client";
import { PeerStatus } from "../lib/aiven/peer-status";
import { measureStandby } from "../lib/rpo/recovery-measurement";
import { DEFAULT_RATE_LIMIT, RateLimit } from "../lib/aiven/request-budget";
import { pushRehearsalState } from "../lib/drill/rehearsal-state";
import { PHASE_DIR_NAME, PhaseFolder } from "../lib/phase/phase-folder";
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
export async function fleet(
  pairs: number,
  delays: SimDelays,
  rate: RateLimit = DEFAULT_RATE_LIMIT,
  app: NodeJS.ProcessEnv = {},
): Promise<Fleet> {
  const dir = fleetProject();
  const env = {
    ...process.env,
    CRDR_BENCH_PAIRS: String(pairs),
    CRDR_BENCH_PRIMARY_CLOUDS: REGION,
    TF_CLI_CONFIG_FILE: "/dev/null",
    // The fleet's own pair locks and role-change records: the machine-wide
    // folder is shared with every other run of these pair names on the machine.
    CRDR_LOCK_DIR: path.join(dir, ".crdr-locks"),
    ...app,
  };
  const { outdir } = synthesize(dir, env);
  const stacks = SynthesizedStack.listStacks(outdir);
  const sim = new SimServer({ token: TOKEN, delays, rateLimit: rate });
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < stacks.length) {
        const stack = SynthesizedStack.load(outdir, stacks[next++]);
        sim.model.addPairFromManifest(stack.pair);
        await pushRehearsalState(new TerraformCli({ cwd: stack.workingDirectory, env }), stack.pair, {
          primary: true,
          recovery: true,
          integrationId: `id-${stack.name}`,
        });
      }
    }),
  );
  const url = await sim.start();
  return {
    dir,
    sim,
    stacks,
    env: { ...env, AIVEN_WEB_URL: url, AIVEN_TOKEN: TOKEN, CRDR_API_RATE_LIMIT: `${rate.limit}/${rate.windowMs}ms` },
  };
}

/** Runs a `crdr` command (compiled) without blocking this process (the simulator lives here): its wall time in ms, and its output. */
function runScript(f: Fleet, script: string, args: string[]): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(ROOT, "dist", "scripts", "crdr.js"), script, ...args], {
      cwd: f.dir,
      env: f.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0 && !(script === "status" && code !== null && code < 6))
        reject(new Error(`${script} exited ${code}: ${err}`));
      else resolve({ ms, stdout: out });
    });
  });
}

/** A command as its npm script runs it (`node tools/run-built.js …`, without npm's own start-up): its wall time in ms. */
function runBuilt(f: Fleet, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(ROOT, "tools", "run-built.js"), ...args], {
      cwd: f.dir,
      env: f.env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`${args.join(" ")} exited ${code}: ${err}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
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
  return Math.max(earliestRequestMs(pairs, rate) + transitionMs, earliestRequestMs(pairs + 1, rate));
}

/** The earliest the k-th request of a run (from 0) can leave inside `rate`, counted from the first. */
export function earliestRequestMs(k: number, rate: RateLimit): number {
  return Math.floor(k / rate.limit) * rate.windowMs;
}

/** What one region failover sent and when, read from the simulator's log and the run's `--json` done event. */
interface RegionRunFigures {
  readonly ms: number;
  readonly listReads: number;
  readonly serviceReads: number;
  readonly roleChanges: number;
  readonly rejected: number;
  /** When the first and the last role change reached the simulator, from the run's start. */
  readonly firstRoleChangeMs: number;
  readonly lastRoleChangeMs: number;
  /** Whether every tier-1 role change reached the simulator before any tier-2 one (and so on). */
  readonly tierOrderKept: boolean;
  /** The latest recovery time of each tier, from the done event. */
  readonly recoveryByTier: ReadonlyMap<number | undefined, number>;
}

async function regionFailover(f: Fleet, pollInterval: string): Promise<RegionRunFigures> {
  const startedAt = Date.now();
  const { ms, stdout } = await runScript(f, "failover", [
    "--region",
    REGION,
    "--yes",
    "--json",
    "--poll-interval",
    pollInterval,
  ]);
  const calls = f.sim.apiCalls();
  const puts = f.sim.apiCalls("PUT");
  // BENCH_KEEP=folder keeps the run's events and the simulator's log (arrival times from the run's start), to see where the time went.
  if (process.env.BENCH_KEEP) {
    const name = `region-failover-${f.stacks.length}`;
    fs.writeFileSync(path.join(process.env.BENCH_KEEP, `${name}.ndjson`), stdout);
    fs.writeFileSync(
      path.join(process.env.BENCH_KEEP, `${name}-requests.tsv`),
      calls.map((r) => `${f.sim.arrivedAt(r) - startedAt}\t${r.method}\t${r.path}\t${r.status}`).join("\n") + "\n",
    );
  }
  const done = stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map(
      (l) => JSON.parse(l) as { type: string; outcomes?: Array<{ stack: string; tier?: number; recoveryMs?: number }> },
    )
    .find((e) => e.type === "done");
  const tierOf = new Map((done?.outcomes ?? []).map((o) => [o.stack, o.tier ?? Infinity]));
  const putTiers = puts.map((r) => tierOf.get(r.path.split("/").pop()!) ?? Infinity);
  const recoveryByTier = new Map<number | undefined, number>();
  for (const o of done?.outcomes ?? [])
    recoveryByTier.set(o.tier, Math.max(recoveryByTier.get(o.tier) ?? 0, o.recoveryMs ?? Infinity));
  return {
    ms,
    listReads: calls.filter((r) => r.method === "GET" && /\/service$/.test(r.path)).length,
    serviceReads: calls.filter((r) => r.method === "GET" && !/\/service$/.test(r.path)).length,
    roleChanges: puts.length,
    rejected: calls.filter((r) => r.status === 429).length,
    firstRoleChangeMs: puts.length ? f.sim.arrivedAt(puts[0]) - startedAt : NaN,
    lastRoleChangeMs: puts.length ? f.sim.arrivedAt(puts[puts.length - 1]) - startedAt : NaN,
    tierOrderKept: putTiers.every((t, i) => i === 0 || putTiers[i - 1] <= t),
    recoveryByTier,
  };
}

/**
 * Region failover and `status --all` over 1, 10, 50 and 200 pairs (tiers 1
 * and 2 in turn), against the simulator with short transitions and a rate
 * limit enforced (Aiven's 120 a minute unless BENCH_RATE_LIMIT says
 * otherwise; BENCH_TRANSITION_MS sets the transition). The ratio to one pair
 * shows how cost grows with the fleet, the ratio to the floor what the tool
 * adds to what the limit allows; the last role change against its own floor
 * separates the budget's policy from the machine's speed.
 */
export async function fleetBench(
  sizes = [1, 10, 50, 200],
  rate: RateLimit = DEFAULT_RATE_LIMIT,
  transitionMs = 1000,
): Promise<void> {
  const delays: SimDelays = { ...SHORT, failoverMs: transitionMs };
  const transition = delays.roleLagMs + delays.failoverMs;
  const pollInterval = "500ms";
  console.log(
    `\nfleet (tiers 1 and 2 in turn; simulator transitions ${transition} ms; rate limit ${rate.limit} per ${rate.windowMs} ms enforced; --poll-interval ${pollInterval}; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`,
  );
  const results: Array<{ pairs: number; run: RegionRunFigures; status: number }> = [];
  for (const pairs of sizes) {
    const f = await fleet(pairs, delays, rate, { CRDR_BENCH_TIERS: "1,2" });
    try {
      const run = await regionFailover(f, pollInterval);
      const failedOver = PhaseFolder.load(path.join(f.dir, PHASE_DIR_NAME)).stacks().length;
      if (failedOver !== pairs) throw new Error(`${failedOver} of ${pairs} pairs recorded as failed over`);
      const status = (await runScript(f, "status", ["--all", "--json"])).ms;
      results.push({ pairs, run, status });
    } finally {
      await close(f);
    }
  }
  const one = results[0];
  for (const { pairs, run, status } of results) {
    const targets = { 50: [3, 3], 200: [10, undefined] } as Record<number, [number | undefined, number | undefined]>;
    const [ft, st] = targets[pairs] ?? [undefined, undefined];
    const floor = regionFailoverFloorMs(pairs, rate, transition);
    const lastFloor = earliestRequestMs(pairs, rate);
    const requests = `${run.listReads} list reads, ${run.serviceReads} service reads, ${run.roleChanges} role changes; ${run.rejected} answered 429`;
    console.log(
      row(`region failover, ${pairs} pair(s)`, run.ms, `${ratio(run.ms, one.run.ms, ft)} of 1 pair; ${requests}`),
    );
    console.log(
      row(
        `  floor inside the limit, ${pairs} pair(s)`,
        floor,
        `the run is ${ratio(run.ms, floor, pairs === 200 ? 1.3 : undefined)} of it`,
      ),
    );
    console.log(
      row(
        `  last role change sent (its floor ${(lastFloor / 1000).toFixed(1)} s)`,
        run.lastRoleChangeMs,
        `first at ${(run.firstRoleChangeMs / 1000).toFixed(1)} s; after the last: ${((run.ms - run.lastRoleChangeMs) / 1000).toFixed(1)} s`,
      ),
    );
    const tiers = [...run.recoveryByTier].sort(([a], [b]) => (a ?? Infinity) - (b ?? Infinity));
    console.log(
      `  tier order ${run.tierOrderKept ? "kept" : "NOT kept"}; every pair recovered by: ${tiers.map(([t, ms]) => `${t === undefined ? "no tier" : `tier ${t}`} ${(ms / 1000).toFixed(1)} s`).join(", ")}`,
    );
    console.log(row(`status --all, ${pairs} pair(s)`, status, ratio(status, one.status, st)));
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
      // terraform preflight (the backend is already initialized: version,
      // the state read that proves ownership, the lock check), the standby's
      // replication reading, the request, one poll, then the state read
      // (kept as the backup), the removal and one synth.
      const readPeers = () =>
        Promise.all([
          client.getService(project, primary.serviceName),
          client.getService(project, recovery.serviceName),
        ]);
      const [, standby] = await readPeers();
      // Asked directly: TerraformCli keeps the version it read once per process.
      await terraform.run(["version", "-json"]);
      await terraform.statePull();
      await terraform.stateRmDryRun([stack.pair.integration.address]);
      await measureStandby(recovery.serviceName, { reachable: true, service: standby } satisfies PeerStatus);
      await readPeers();
      await client.updateService(project, primary.serviceName, { disaster_recovery_role: "failed" });
      await readPeers();
      await terraform.statePull();
      await terraform.stateRm([stack.pair.integration.address]);
      synthesize(f.dir, { ...f.env });
      bare.push(Number(process.hrtime.bigint() - started) / 1e6);
    } finally {
      await close(f);
    }
    const g = await fleet(1, NONE);
    try {
      full.push(
        await runBuilt(g, ["scripts/crdr", "failover", "--stack", g.stacks[0], "--yes", "--poll-interval", "200ms"]),
      );
    } finally {
      await close(g);
    }
  }
  const b = [...bare].sort((x, y) => x - y)[Math.floor(runs / 2)];
  const w = [...full].sort((x, y) => x - y)[Math.floor(runs / 2)];
  console.log(row("bare sum: API calls + terraform commands + one synth", b));
  console.log(row("npm run failover, as npm runs it (run-built.js)", w, `${ratio(w, b, 1.2)} of the bare sum`));
}
