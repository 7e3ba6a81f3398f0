import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { appendDrillJournals } from "./drill-journals";
import { AivenClient } from "../aiven/aiven-client";
import { findDrLink } from "../aiven/dr-link";
import { SETTING_SOURCES } from "../settings/setting-sources";
import { CommonOptions, OperationDeps } from "../operations/operation-inputs";
import { formatDuration } from "../duration";
import { formatTimeline, Timeline } from "../operations/timeline";
import { CapturingReporter } from "../reporting/capturing-reporter";
import { pairStatus } from "../status/pair-status";
import { EXPECTED_ROLES } from "../contract/expected-roles";
import { PHASE_DIR_NAME, PhaseFolder } from "../phase/phase-folder";
import { OperationName, PhaseName, pendingImportsOf } from "../phase/phase-record";
import { DrillCheck, DrillFollowUp, OPERATION_REGISTRY, rehearsalOrder } from "../operations/operation-registry";
import { checkExpectedPeer } from "../aiven/peer-status";
import { PairManifest } from "../contract/pair-manifest";
import { readCdktfConfig } from "../settings/cdktf-config";
import { synthesize } from "../synth/synthesize";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { REALISTIC_DELAYS } from "../simulator/sim-model";
import { SimServer } from "../simulator/sim-server";
import { TerraformCommandRunner, TerraformFactory } from "../terraform/terraform-factory";
import { applyAndReadApplicationOutputs, readWriteChanges } from "./application-outputs-check";
import { CanaryStream } from "./canary-stream";
import { PostgresPair } from "./local-postgres-pair";
import { DataLossEstimate } from "../rpo/data-loss-estimate";

export interface DrillOptions {
  /** One pair; every synthesized pair when absent. */
  readonly stack?: string;
  /**
   * How long each simulated transition (and each role's lag behind its
   * transitional state) takes. @default - `REALISTIC_DELAYS`: seconds, with
   * intermediate states, shaped like a small real pair's
   */
  readonly transitionMs?: number;
  /** Rehearse against a simulator whose DR link follows the active role (its ends swap on a takeover). @default false */
  readonly swapLink?: boolean;
  /** Keep the throw-away project for inspection. @default false */
  readonly keep?: boolean;
  /** Append each pair's run journal to `<journalDir>/<stack>.jsonl` (drill-journals.ts). @default - the journals go with the throw-away project */
  readonly journalDir?: string;
  /**
   * Back each pair with a real PostgreSQL 15 primary and streaming standby:
   * canaries are written to the primary, which is killed mid-stream before
   * the failover, and the canaries the promoted standby lacks are compared
   * with the failover's estimate. @default false
   */
  readonly postgres?: boolean;
}

/** What the drill works with: the project, its environment, where progress lines go, and Terraform. */
export interface DrillDeps {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly progress: (line: string) => void;
  /** Makes the Terraform runner for each working directory: `realTerraform` from the command line. */
  readonly terraform: TerraformFactory<TerraformCommandRunner>;
}

export interface DrillStep {
  readonly stack: string;
  readonly name: string;
  readonly durationMs: number;
  readonly failures: string[];
  /** The operation's own timeline: its recovery-time figures, to compare across drills. */
  readonly timeline?: Timeline;
}

export interface DrillReport {
  readonly steps: DrillStep[];
  readonly workDir: string;
  readonly passed: boolean;
}

/**
 * Rehearses the whole recovery cycle — every operation in the registry, in
 * `rehearsalOrder`, each with its drill checks and follow-up steps (today
 * failover, status, revert, its imports applied, revert again, switchover,
 * switchback, status) — against the local simulator, on a throw-away copy of
 * the project's synthesized stacks and a throw-away local state. Production
 * state, the real phase file and Aiven are never touched.
 */
export async function drill(options: DrillOptions, deps: DrillDeps): Promise<DrillReport> {
  const { projectDir, env, progress, terraform: terraformFor } = deps;
  const config = readCdktfConfig(projectDir);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-drill-"));
  // The throw-away project runs the real app from the real project, with its
  // phase file, state and output redirected into the work dir.
  fs.writeFileSync(
    path.join(workDir, "cdktf.json"),
    JSON.stringify({ app: `cd ${JSON.stringify(projectDir)} && ${config.app}`, context: config.context }, null, 2),
  );
  const token = `drill-${randomBytes(12).toString("hex")}`;
  const t = options.transitionMs;
  const sim = new SimServer({
    token,
    delays:
      t === undefined
        ? REALISTIC_DELAYS
        : { failoverMs: t, rebuildMs: t, rebalanceMs: t, switchoverMs: t, roleLagMs: t },
    behaviour: { swapLinkOnTakeover: options.swapLink ?? false },
  });
  const drillEnv: NodeJS.ProcessEnv = {
    ...env,
    [SETTING_SOURCES.phaseDir.env]: path.join(workDir, PHASE_DIR_NAME),
    [SETTING_SOURCES.backend.env]: JSON.stringify({ type: "local", stateDir: path.join(workDir, "state") }),
    AIVEN_TOKEN: token,
    AIVEN_AUTH_TOKEN: "",
    // The drill's pairs live in the simulator, not at Aiven: a real operation on the same names must not wait for them.
    CRDR_LOCK_DIR: path.join(workDir, "locks"),
  };
  const steps: DrillStep[] = [];
  const pairClusters: PostgresPair[] = [];
  try {
    synthesize(workDir, drillEnv);
    const outdir = path.join(workDir, "cdktf.out");
    const stacks = options.stack ? [options.stack] : SynthesizedStack.listStacks(outdir);
    for (const name of stacks) sim.model.addPairFromManifest(SynthesizedStack.load(outdir, name).pair);
    drillEnv.AIVEN_WEB_URL = await sim.start();
    const client = AivenClient.fromEnv(drillEnv, { backoffMs: 50 });

    for (const name of stacks) {
      const stack = SynthesizedStack.load(outdir, name);
      const pair = stack.pair;
      const terraform = terraformFor({ cwd: stack.workingDirectory, env: drillEnv });
      const integrationId = findDrLink(
        sim.model.getService(pair.project, pair.primary.serviceName).service_integrations,
        pair,
      )?.service_integration_id;
      // With --postgres, real clusters back the pair from the first apply on, so its outputs stay the same throughout.
      const databases = options.postgres ? await startCanaryOutage(sim, pair, progress) : undefined;
      pairClusters.push(...(databases ? [databases.cluster] : []));
      // The apply after each step: state as the provider would leave it, and the outputs applications read.
      const apply = () =>
        applyAndReadApplicationOutputs(
          terraform,
          SynthesizedStack.load(outdir, name),
          {
            primary: sim.model.getService(pair.project, pair.primary.serviceName),
            recovery: sim.model.getService(pair.project, pair.recovery.serviceName),
          },
          integrationId,
          { terraform: terraformFor, env: drillEnv },
        );
      const applications = await apply();
      const applicationsKept = async () => {
        try {
          return readWriteChanges(SynthesizedStack.load(outdir, name), applications, await apply());
        } catch (err) {
          return [`the apply after the step could not be rehearsed: ${(err as Error).message}`];
        }
      };

      const common: CommonOptions = {
        stack: name,
        dryRun: false,
        yes: true,
        timeoutMs: 60_000,
        pollIntervalMs: 100,
        lostAnswerGraceMs: 10_000,
      };
      const run = async (
        stepName: string,
        body: (deps: OperationDeps) => Promise<unknown>,
        checks: () => Promise<string[]>,
      ) => {
        const reporter = new CapturingReporter();
        const started = Date.now();
        const failures: string[] = [];
        try {
          await body({ projectDir: workDir, env: drillEnv, client, reporter, terraform: terraformFor });
        } catch (err) {
          failures.push(`${(err as Error).message}`);
        }
        if (!failures.length) failures.push(...(await checks()));
        const timeline = reporter.lastDone?.timeline as Timeline | undefined;
        const step: DrillStep = {
          stack: name,
          name: stepName,
          durationMs: Date.now() - started,
          failures,
          ...(timeline ? { timeline } : {}),
        };
        steps.push(step);
        const figures = timeline ? `; ${formatTimeline(timeline)}` : "";
        progress(
          `${failures.length ? "✖" : "✔"} ${name}: ${stepName} (${formatDuration(step.durationMs)}${figures})${failures.map((f) => `\n    - ${f}`).join("")}`,
        );
      };
      const phaseIs = (phase: PhaseName) => () => {
        const actual = PhaseFolder.load(drillEnv[SETTING_SOURCES.phaseDir.env]!).phaseOf(name).phase;
        return actual === phase ? [] : [`the phase file says "${actual}", expected "${phase}"`];
      };
      const healthy = async () => {
        const report = await pairStatus(
          client,
          SynthesizedStack.load(outdir, name).pair,
          PhaseFolder.load(drillEnv[SETTING_SOURCES.phaseDir.env]!).phaseOf(name),
        );
        return report.verdict === "healthy"
          ? []
          : [`status is ${report.verdict}: ${report.findings.map((f) => f.message).join("; ")}`];
      };
      const checksOf = (operation: OperationName) => {
        const lands = OPERATION_REGISTRY[operation].landsOn;
        const check: Record<DrillCheck, () => Promise<string[]> | string[]> = {
          roles: () => expectPhaseRoles(sim, pair, lands),
          phase: phaseIs(lands),
          applications: applicationsKept,
        };
        return async () =>
          (
            await Promise.all(OPERATION_REGISTRY[operation].drill.checks.map((c) => Promise.resolve(check[c]())))
          ).flat();
      };
      const followUp: Record<DrillFollowUp, (operation: OperationName) => Promise<void>> = {
        "canaries-lost": async () => {
          if (!databases) return;
          const estimate = (
            steps[steps.length - 1].timeline?.measured?.replication as { estimate?: DataLossEstimate } | undefined
          )?.estimate;
          await run(
            "the canaries lost, against the failover's estimate",
            async () => undefined,
            async () => {
              const loss = await databases.canaries.lossOn(databases.cluster.endpoint("standby"));
              const claimed = estimate?.known ? `up to ${formatDuration(estimate.atMostMs)}` : "unknown";
              progress(
                `  data at risk: the failover estimated ${claimed}; the promoted standby lacks ${loss.lost} of ${loss.acknowledged} acknowledged canaries (written over ${formatDuration(loss.spanMs)})`,
              );
              if (!estimate?.known)
                return [`the failover could not estimate the data at risk (${estimate?.reason ?? "no measurement"})`];
              return estimate.atMostMs >= loss.spanMs
                ? []
                : [
                    `the estimate (${claimed}) claims less than the loss measured (${loss.lost} canaries over ${formatDuration(loss.spanMs)})`,
                  ];
            },
          );
        },
        status: () => run("status", async () => undefined, healthy),
        "apply-imports": (operation) =>
          run(
            `apply the ${operation}'s imports (simulated with state push)`,
            async () => apply(),
            async () => [
              ...((await terraform.stateList()).includes(pair.integration.address)
                ? []
                : ["the integration is not in state"]),
              ...(await applicationsKept()),
            ],
          ),
        "rerun-clears-imports": (operation) =>
          run(
            `${operation} again: clears the pending imports`,
            (deps) => rehearse(operation, deps),
            async () => {
              const phase = PhaseFolder.load(drillEnv[SETTING_SOURCES.phaseDir.env]!).phaseOf(name);
              return phase.phase === OPERATION_REGISTRY[operation].landsOn && !pendingImportsOf(phase).length
                ? []
                : ["pending imports were not cleared"];
            },
          ),
      };
      const rehearse = (operation: OperationName, deps: OperationDeps) =>
        OPERATION_REGISTRY[operation].run(common, OPERATION_REGISTRY[operation].drill.flags, deps);

      try {
        // Every operation, in an order that goes once round the phases (the registry's drill entries say what each checks).
        for (const operation of rehearsalOrder()) {
          await run(operation, (deps) => rehearse(operation, deps), checksOf(operation));
          for (const step of OPERATION_REGISTRY[operation].drill.then) {
            try {
              await followUp[step](operation);
            } finally {
              // After the data-loss check the rest of the cycle is rehearsed on simulated nodes alone.
              if (step === "canaries-lost") sim.model.postgres.detachAll();
            }
          }
        }
      } finally {
        sim.model.postgres.detachAll();
      }
    }
  } finally {
    for (const cluster of pairClusters) await cluster.stop();
    await sim.stop();
    if (options.journalDir) appendDrillJournals(workDir, options.journalDir);
    if (!options.keep) fs.rmSync(workDir, { recursive: true, force: true });
  }
  return { steps, workDir, passed: steps.every((s) => s.failures.length === 0) };
}

/**
 * Starts a real primary and standby behind the pair's simulated services,
 * writes canaries to the primary, and kills it after a random number of them
 * (between 20 and 220), as an outage would.
 */
async function startCanaryOutage(
  sim: SimServer,
  pair: PairManifest,
  progress: (line: string) => void,
): Promise<{ cluster: PostgresPair; canaries: CanaryStream }> {
  const cluster = await PostgresPair.start();
  try {
    for (const [side, node] of [
      ["primary", "primary"],
      ["recovery", "standby"],
    ] as const) {
      const e = cluster.endpoint(node);
      sim.model.attachDatabase(
        pair.project,
        pair[side].serviceName,
        { host: e.host, port: e.port, user: e.user, password: e.password, dbname: e.database, sslmode: "disable" },
        () => cluster.kill(node),
      );
    }
    const canaries = await CanaryStream.start(cluster.endpoint("primary"));
    await cluster.waitUntilCaughtUp();
    const killAfter = 20 + Math.floor(Math.random() * 200);
    await canaries.run(killAfter);
    await cluster.kill("primary");
    await canaries.finish();
    progress(`  ${pair.primary.serviceName}'s PostgreSQL primary killed after ${killAfter} canaries`);
    return { cluster, canaries };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/** Where Aiven should be in `phase` (EXPECTED_ROLES), checked on the simulator's own model. */
function expectPhaseRoles(sim: SimServer, pair: PairManifest, phase: PhaseName): string[] {
  const expected = EXPECTED_ROLES[phase];
  return (["primary", "recovery"] as const).flatMap((side) => {
    const service = sim.model.getService(pair.project, pair[side].serviceName);
    const want = expected[side];
    const check = checkExpectedPeer({ reachable: true, service }, want);
    return check.kind === "as-expected"
      ? []
      : [
          `${side} ${service.service_name} is ${service.state}/${service.disaster_recovery_role}, expected ${want.state ? `${want.state}/` : ""}${want.role}`,
        ];
  });
}
