import { spawn } from "child_process";
import * as path from "path";
import { AivenClient } from "../lib/aiven/aiven-client";
import { PeerStatus } from "../lib/aiven/peer-status";
import { measureStandby } from "../lib/rpo/recovery-measurement";
import { SimDelays } from "../lib/simulator/sim-model";
import { SynthesizedStack } from "../lib/synth/synthesized-stack";
import { TerraformCli } from "../lib/terraform/terraform-cli";
import { Timeline } from "../lib/operations/timeline";
import { median, ratio, ROOT, row } from "./bench-support";
import { close, fleet } from "./fleet-bench";

const NONE: SimDelays = { failoverMs: 0, rebuildMs: 0, rebalanceMs: 0, switchoverMs: 0, roleLagMs: 0 };

/**
 * `npm run failover -- --stack …` as npm runs it (tools/run-built.js, without
 * npm's own start-up), with --json: the timeline of its `done` event, and
 * the wall time from the process's start until the trigger.
 */
interface TriggerRun {
  readonly toTrigger: number;
  readonly toPut: number;
  /** The steps up to the trigger, "resolve 40ms, preflight 300ms, …". */
  readonly steps: string;
}

function runFailover(env: NodeJS.ProcessEnv, cwd: string, stack: string): Promise<TriggerRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, "tools", "run-built.js"),
        "scripts/crdr",
        "failover",
        "--stack",
        stack,
        "--yes",
        "--json",
        "--poll-interval",
        "200ms",
      ],
      {
        cwd,
        // The bench's own lock folder: a pair of another bench on this machine has the same names.
        env: { ...env, CRDR_LOCK_DIR: path.join(cwd, ".crdr-locks") },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const done = out
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; timeline?: Timeline })
        .find((e) => e.type === "done");
      const toTrigger = done?.timeline?.figures.toTrigger;
      if (code !== 0 || toTrigger === undefined)
        reject(new Error(`failover exited ${code} without a trigger: ${err}${out}`));
      else {
        const timeline = done!.timeline!;
        const beforeWait = timeline.steps.slice(
          0,
          timeline.steps.findIndex((step) => step.step === "wait"),
        );
        resolve({
          toTrigger,
          toPut: Date.parse(timeline.startedAt) + toTrigger - started,
          steps: beforeWait.map((step) => `${step.step} ${step.durationMs}ms`).join(", "),
        });
      }
    });
  });
}

/**
 * The failover's time to trigger against the bare sum of the calls it makes
 * before the trigger, run one after the other with nothing else: both peers
 * read, terraform's version, the state read (ownership proof), the state
 * lock check (state rm -dry-run), the standby's replication reading, both
 * peers read again right before the request, and the request. The backend
 * is initialized already, as after any earlier run, so neither side inits.
 */
export async function triggerBench(runs = 3): Promise<void> {
  console.log(
    `\nfailover of one pair: time to trigger against the bare sum of the calls before it (no simulated delay; median of ${runs})`,
  );
  const bare: number[] = [];
  const full: TriggerRun[] = [];
  for (let i = 0; i < runs; i++) {
    const f = await fleet(1, NONE);
    try {
      const stack = SynthesizedStack.load(path.join(f.dir, "cdktf.out"), f.stacks[0]);
      const client = new AivenClient({ baseUrl: f.env.AIVEN_WEB_URL!, token: f.env.AIVEN_TOKEN! });
      const terraform = new TerraformCli({ cwd: stack.workingDirectory, env: f.env });
      const { project, primary, recovery } = stack.pair;
      const readPeers = () =>
        Promise.all([
          client.getService(project, primary.serviceName),
          client.getService(project, recovery.serviceName),
        ]);
      const started = process.hrtime.bigint();
      const [, standby] = await readPeers();
      // Asked directly: TerraformCli keeps the version it read once per process.
      await terraform.run(["version", "-json"]);
      await terraform.statePull();
      await terraform.stateRmDryRun([stack.pair.integration.address]);
      await measureStandby(recovery.serviceName, { reachable: true, service: standby } satisfies PeerStatus);
      await readPeers();
      await client.updateService(project, primary.serviceName, { disaster_recovery_role: "failed" });
      bare.push(Number(process.hrtime.bigint() - started) / 1e6);
    } finally {
      await close(f);
    }
    const g = await fleet(1, NONE);
    try {
      full.push(await runFailover(g.env, g.dir, g.stacks[0]));
    } finally {
      await close(g);
    }
  }
  const b = median(bare);
  const t = [...full].sort((x, y) => x.toTrigger - y.toTrigger)[Math.floor(full.length / 2)];
  console.log(row("bare sum of the calls before the trigger", b));
  console.log(row("failover's timeline: to trigger", t.toTrigger, `${ratio(t.toTrigger, b, 1.2)} of the bare sum`));
  console.log(`  its steps: ${t.steps} (the request step ends once Aiven answered)`);
  console.log(row("  process start to the trigger (node start-up included)", median(full.map((r) => r.toPut))));
}
