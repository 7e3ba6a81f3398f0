import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { AivenClient } from "../../lib/aiven/aiven-client";
import { EXIT } from "../../lib/exit-codes";
import { failover } from "../../lib/operations/failover";
import { CommonOptions, OperationDeps } from "../../lib/operations/operation-inputs";
import { plannedSwitch } from "../../lib/operations/planned-switch";
import { revert } from "../../lib/operations/revert";
import { PhaseFolder } from "../../lib/phase/phase-folder";
import { pendingImportsOf, PhaseRecord } from "../../lib/phase/phase-record";
import { SynthesizedStack } from "../../lib/synth/synthesized-stack";
import { CapturingReporter } from "../../lib/reporting/capturing-reporter";
import { FaultSpec } from "../../lib/simulator/sim-faults";
import { SimServer } from "../../lib/simulator/sim-server";
import { TerraformRunner } from "../../lib/terraform/terraform-runner";
import { UserError } from "../../lib/user-error";
import { PATHS, PRIMARY, PROJECT, RECOVERY, RolePut } from "./dr-operations";
import { RunKilled } from "./killed-run";
import { ProjectFixture, STACK } from "./project-fixture";
import { RecordingTerraform } from "./recording-terraform";

/**
 * A property-based fault campaign: random schedules of faults (Aiven's
 * answers lost, late, garbled or refused, stale or unreadable peers,
 * Terraform failing, runs killed at random points and rerun, two runs at
 * once) drive the operations in process against the simulator, and after
 * each schedule the promises the README makes are checked (`violations`).
 */

export const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];
const INTEGRATION = "aiven_service_integration.disaster_recovery";

/** The operations a schedule runs, in order, from a normal pair: each sends each of its role changes once. */
export const SEQUENCES = {
  "failover, revert": ["failover", "revert"],
  "switchover, switchback": ["switchover", "switchback"],
} as const;
export type SequenceName = keyof typeof SEQUENCES;
type OperationName = (typeof SEQUENCES)[SequenceName][number];

const ROLE_PUTS: Record<OperationName, readonly RolePut[]> = {
  failover: [{ side: "primary", role: "failed" }],
  revert: [
    { side: "primary", role: "passive" },
    { side: "primary", role: "active" },
  ],
  switchover: [{ side: "recovery", role: "active" }],
  switchback: [{ side: "primary", role: "active" }],
};

/** The lost-answer grace: every fault that hides a change hides it for less (the README's promise holds within it). */
export const GRACE_MS = 400;

export interface TerraformFault {
  /** Which run (counted over the schedule) it hits. */
  readonly run: number;
  readonly command: "version" | "init" | "state pull" | "state list" | "state rm";
  /** `commit-then-fail`: the command does its work and still reports a failure (a backend that stores a write and answers 5xx). */
  readonly kind: "fail" | "commit-then-fail";
}

export interface Schedule {
  readonly sequence: SequenceName;
  /** Simulator faults, added before the first run; each fires a few times at most. */
  readonly faults: FaultSpec[];
  /** Runs killed, by run number, at the n-th call the run makes to Aiven, Terraform or the clock. */
  readonly kills: ReadonlyArray<{ readonly run: number; readonly atCall: number; readonly afterSending: boolean }>;
  readonly terraformFaults: readonly TerraformFault[];
  /** The first run of each operation is started twice at once (as from two terminals). */
  readonly concurrent: boolean;
}

const putFault = (put: RolePut) => ({
  method: "PUT",
  path: `^${PATHS[put.side]}$`,
  body: `"disaster_recovery_role":"${put.role}"`,
});

/** A fault aimed at one role change of the sequence, or at the peers' reads once a role change arrives. */
function faultArbitrary(sequence: SequenceName): fc.Arbitrary<FaultSpec> {
  const puts = SEQUENCES[sequence].flatMap((op) => ROLE_PUTS[op]);
  const put = fc.constantFrom(...puts).map(putFault);
  const times = fc.integer({ min: 1, max: 2 });
  const shorterThanGrace = fc.integer({ min: 20, max: GRACE_MS / 2 });
  return fc.oneof(
    fc
      .record({
        on: put,
        times,
        kind: fc.constantFrom(
          "drop",
          "garble",
          "status",
          "apply-then-drop",
          "apply-then-status",
          "accept-and-ignore",
          "conflict-while-moving",
          "rate-limit",
        ),
      })
      .map(({ on, times, kind }) => ({ ...on, times, kind, retryAfterSeconds: 1 }) as FaultSpec),
    fc
      .record({ on: put, times, kind: fc.constant("slow" as const), delayMs: fc.constant(700) })
      .map(({ on, ...rest }) => ({ ...on, ...rest }) as FaultSpec),
    fc
      .record({ on: put, visibleAfterMs: shorterThanGrace, answer: fc.constantFrom("normal", "drop", "gateway") })
      .map(({ on, ...rest }) => ({ ...on, ...rest, kind: "delayed-visibility", times: 1 }) as FaultSpec),
    fc
      .record({ forMs: fc.integer({ min: 50, max: GRACE_MS * 3 }), reset: fc.boolean(), onlyRecovery: fc.boolean() })
      .map(
        ({ forMs, reset, onlyRecovery }) =>
          ({
            kind: "unreadable",
            forMs,
            reset,
            after: { method: "PUT" },
            ...(onlyRecovery ? { path: `${RECOVERY}$` } : {}),
          }) as FaultSpec,
      ),
    fc
      .record({ staleMs: shorterThanGrace, forMs: fc.integer({ min: 100, max: 2000 }) })
      .map((f) => ({ ...f, kind: "stale-reads", method: "GET", after: { method: "PUT" } }) as FaultSpec),
    fc.record({ times }).map(({ times }) => ({ kind: "status", method: "GET", status: 503, times }) as FaultSpec),
  );
}

export function scheduleArbitrary(): fc.Arbitrary<Schedule> {
  return fc.constantFrom(...(Object.keys(SEQUENCES) as SequenceName[])).chain((sequence) =>
    fc.record({
      sequence: fc.constant(sequence),
      faults: fc.array(faultArbitrary(sequence), { maxLength: 3 }),
      kills: fc.array(
        fc.record({
          run: fc.integer({ min: 1, max: 4 }),
          atCall: fc.integer({ min: 1, max: 40 }),
          afterSending: fc.boolean(),
        }),
        { maxLength: 2 },
      ),
      terraformFaults: fc.array(
        fc.record({
          run: fc.integer({ min: 1, max: 4 }),
          command: fc.constantFrom("version", "init", "state pull", "state list", "state rm"),
          kind: fc.constantFrom("fail", "commit-then-fail"),
        }),
        { maxLength: 2 },
      ),
      concurrent: fc.boolean(),
    }),
  );
}

/** What one run did: its outcome, and what it said. */
export interface RunRecord {
  readonly run: number;
  readonly operation: OperationName;
  readonly exitCode: number;
  readonly killed: boolean;
  readonly said: string;
}

/** A role change as it reached the simulated Aiven: whether a transition started (applied), or not (refused, already there). */
interface ArrivedChange {
  readonly service: string;
  readonly role: string;
  readonly applied: boolean;
  /** Which operation of the sequence was running: an intent is an operation's role change. */
  readonly operation: OperationName;
}

/**
 * Terraform as the campaign plays it: any runner (the recorded stand-in, or
 * the real binary) with faults and kills injected per call, and the state
 * as it was before every write kept, for the backup invariant.
 */
class FaultyTerraform implements TerraformRunner {
  readonly statesBeforeWrites: string[] = [];

  constructor(
    /** The runner without faults: what the invariants read the state through. */
    readonly inner: TerraformRunner,
    private readonly world: CampaignWorld,
  ) {}

  get binary() {
    return this.inner.binary;
  }
  get cwd() {
    return this.inner.cwd;
  }
  describe(args: string[]) {
    return this.inner.describe(args);
  }
  initArgs() {
    return this.inner.initArgs();
  }
  stateRmArgs(addresses: string[]) {
    return this.inner.stateRmArgs(addresses);
  }
  statePushArgs(file: string) {
    return this.inner.statePushArgs(file);
  }
  checkVersion(minimum?: string) {
    return this.call("version", () => this.inner.checkVersion(minimum));
  }
  initBackend() {
    return this.call("init", () => this.inner.initBackend());
  }
  stateList() {
    return this.call("state list", () => this.inner.stateList());
  }
  statePull() {
    return this.call("state pull", () => this.inner.statePull());
  }
  stateRm(addresses: string[]) {
    return this.call("state rm", async () => {
      this.statesBeforeWrites.push(await this.inner.statePull());
      return this.inner.stateRm(addresses);
    });
  }
  stateRmDryRun(addresses: string[]) {
    return this.call("state rm -dry-run", () => this.inner.stateRmDryRun(addresses));
  }
  statePush(file: string) {
    return this.call("state push", () => this.inner.statePush(file));
  }

  private async call<T>(command: string, body: () => Promise<T>): Promise<T> {
    this.world.tick(`terraform ${command}`);
    const fault = this.world.terraformFaultFor(command);
    if (fault?.kind === "fail") throw new UserError(`"terraform ${command}" failed (injected by the campaign)`);
    const result = await body();
    if (fault?.kind === "commit-then-fail")
      throw new UserError(`"terraform ${command}" reported a failure after doing its work (injected by the campaign)`);
    return result;
  }
}

/** One schedule's world: the simulator, the Terraform runner, and what each run did. */
export class CampaignWorld {
  readonly runs: RunRecord[] = [];
  readonly arrived: ArrivedChange[] = [];
  private runNumber = 0;
  private calls = 0;
  private currentOperation: OperationName = "failover";
  /** Faults cleared: the runs that finish what the faulty ones left. */
  private clean = false;
  /** Broken agreements between the phase file, the state and Aiven, found right after a run exited 0. */
  private readonly disagreements: string[] = [];
  private usedTerraformFaults = new Set<TerraformFault>();
  readonly terraform: FaultyTerraform;

  constructor(
    readonly schedule: Schedule,
    readonly sim: SimServer,
    private readonly project: ProjectFixture,
    private readonly stacks: PhaseStacks,
    private readonly client: AivenClient,
    inner: TerraformRunner,
  ) {
    this.terraform = new FaultyTerraform(inner, this);
    // Every role change that reaches the model, and whether it started a transition.
    const model = sim.model;
    const update = model.updateService.bind(model);
    model.updateService = (project, name, change, options) => {
      const role = change.disaster_recovery_role;
      const before = model.getService(project, name).disaster_recovery_role;
      try {
        const after = update(project, name, change, options);
        if (typeof role === "string")
          this.arrived.push({ service: name, role, applied: before !== role, operation: this.currentOperation });
        return after;
      } catch (err) {
        if (typeof role === "string")
          this.arrived.push({ service: name, role, applied: false, operation: this.currentOperation });
        throw err;
      }
    };
  }

  /** One call of the run to Aiven, Terraform or the clock: the schedule may kill the run here. */
  tick(where: string): void {
    if (this.clean) return;
    this.calls += 1;
    const kill = this.schedule.kills.find(
      (k) => k.run === this.runNumber && k.atCall === this.calls && !where.startsWith("PUT"),
    );
    if (kill) throw new RunKilled(`at call ${this.calls} (${where}) of run ${this.runNumber}`);
  }

  terraformFaultFor(command: string): TerraformFault | undefined {
    if (this.clean) return undefined;
    const fault = this.schedule.terraformFaults.find(
      (f) => f.run === this.runNumber && f.command === command && !this.usedTerraformFaults.has(f),
    );
    if (fault) this.usedTerraformFaults.add(fault);
    return fault;
  }

  /** A client whose calls tick, and whose role change may be killed before or after it is sent. */
  private clientForRun(): AivenClient {
    const wrapped = Object.create(this.client) as AivenClient;
    wrapped.getService = (project, service) => {
      this.tick(`GET ${service}`);
      return this.client.getService(project, service);
    };
    wrapped.updateService = async (project, service, update) => {
      this.calls += 1;
      const kill = this.schedule.kills.find(
        (k) => k.run === this.runNumber && k.atCall === this.calls && !k.afterSending,
      );
      if (kill) throw new RunKilled(`before sending PUT ${service} in run ${this.runNumber}`);
      const killAfter = this.schedule.kills.find(
        (k) => k.run === this.runNumber && k.atCall === this.calls && k.afterSending,
      );
      if (killAfter) {
        await this.client.updateService(project, service, update).catch(() => undefined);
        throw new RunKilled(`after sending PUT ${service} in run ${this.runNumber}`);
      }
      return this.client.updateService(project, service, update);
    };
    return wrapped;
  }

  /** Runs `operation` once (or twice at once), recording each run's outcome. */
  async run(
    operation: OperationName,
    options: { concurrent?: boolean; resend?: boolean; clean?: boolean } = {},
  ): Promise<RunRecord[]> {
    this.currentOperation = operation;
    this.clean = !!options.clean;
    const one = async (): Promise<RunRecord> => {
      const run = ++this.runNumber;
      this.calls = 0;
      const reporter = new CapturingReporter();
      const deps: OperationDeps = {
        projectDir: this.project.dir,
        env: { ...process.env, AIVEN_TOKEN: "campaign" },
        client: options.clean ? this.client : this.clientForRun(),
        reporter,
        terraform: () => this.terraform,
        // Each phase's stack synthesized once for the whole campaign: a synth per run would make each schedule seconds long.
        resolve: () => {
          const phases = PhaseFolder.load(this.project.phaseDir);
          return { stack: this.stacks.stackFor(phases.phaseOf(STACK)), phases, synthesized: false };
        },
        deferSynth: true,
        sleep: (ms) => {
          if (!options.clean) this.tick("sleep");
          // Waits in the tool are many seconds (a rate limit's Retry-After); the campaign's clock runs them short.
          return new Promise((r) => setTimeout(r, Math.min(ms, 50)));
        },
      };
      const common: CommonOptions = {
        stack: STACK,
        dryRun: false,
        yes: true,
        timeoutMs: 8000,
        pollIntervalMs: 20,
        lostAnswerGraceMs: GRACE_MS,
        resend: options.resend,
      };
      let exitCode: number = EXIT.ok;
      let killed = false;
      let said = "";
      try {
        if (operation === "failover")
          await failover({ ...common, primaryUnreachable: false, stateOnly: false, force: false }, deps);
        else if (operation === "revert") await revert(common, deps);
        else await plannedSwitch(operation, common, deps);
      } catch (err) {
        killed = err instanceof RunKilled || (err as { cause?: unknown }).cause instanceof RunKilled;
        if (!killed && !(err instanceof UserError)) throw err;
        exitCode = err instanceof UserError ? err.exitCode : EXIT.bug;
        said = (err as Error).message;
      }
      const record = { run, operation, exitCode, killed, said: [...reporter.lines, said].join("\n") };
      this.runs.push(record);
      return record;
    };
    return options.concurrent ? Promise.all([one(), one()]) : [await one()];
  }

  /**
   * The schedule: each operation of the sequence, rerun while it fails (up to
   * four runs under faults); then, faults cleared, rerun until it finishes,
   * with --resend where the tool asks for it. Returns the operations that
   * could not be finished.
   */
  async play(): Promise<string[]> {
    for (const f of this.schedule.faults) this.sim.faults.add(f);
    const unfinished: string[] = [];
    for (const [i, operation] of SEQUENCES[this.schedule.sequence].entries()) {
      let last = await this.run(operation, { concurrent: i === 0 && this.schedule.concurrent });
      for (let attempt = 0; attempt < 3 && !last.some((r) => r.exitCode === EXIT.ok); attempt++)
        last = await this.run(operation);
      if (last.some((r) => r.exitCode === EXIT.ok)) {
        await this.checkAgreement(operation);
        continue;
      }
      this.sim.faults.clear();
      for (let attempt = 0; attempt < 3 && !last.some((r) => r.exitCode === EXIT.ok); attempt++) {
        last = await this.run(operation, {
          clean: true,
          resend: last.some((r) => /--resend/.test(r.said) && r.exitCode !== EXIT.refused),
        });
      }
      if (!last.some((r) => r.exitCode === EXIT.ok)) {
        unfinished.push(
          `${operation}: ${last.map((r) => `exit ${r.exitCode}: ${r.said.split("\n").pop()}`).join(" | ")}`,
        );
        break;
      }
      await this.checkAgreement(operation);
    }
    return unfinished;
  }

  /** Right after a run exited 0: the phase file, the state and Aiven agree. */
  private async checkAgreement(operation: OperationName): Promise<void> {
    const record = PhaseFolder.load(this.project.phaseDir).phaseOf(STACK);
    const roles = [PRIMARY, RECOVERY]
      .map((s) => this.sim.model.getService(PROJECT, s).disaster_recovery_role)
      .join(", ");
    const expectedRoles = {
      normal: "active, passive",
      "failed-over": "failed, active",
      "switched-over": "passive, active",
    }[record.phase];
    if (roles !== expectedRoles)
      this.disagreements.push(
        `after ${operation} exited 0 the phase file says ${record.phase} but Aiven shows ${roles} (primary, recovery)`,
      );
    const inState = await this.terraform.inner.stateList();
    const declared = record.phase === "failed-over" ? ALL.filter((a) => a !== INTEGRATION) : ALL;
    const held = new Set([...inState, ...pendingImportsOf(record).map((i) => i.address)]);
    if (declared.some((a) => !held.has(a)) || inState.some((a) => !declared.includes(a))) {
      this.disagreements.push(
        `after ${operation} exited 0 the phase file says ${record.phase} but the state holds ${inState.join(", ")}`,
      );
    }
  }

  /** The promises checked after each schedule; each broken one in a sentence. */
  async violations(): Promise<string[]> {
    const broken: string[] = [];
    // At most one applied role change per intent (an operation's role change), and none sent again once applied.
    for (const change of this.arrived) {
      const same = this.arrived.filter(
        (c) => c.service === change.service && c.role === change.role && c.operation === change.operation,
      );
      const appliedAt = same.findIndex((c) => c.applied);
      if (same.filter((c) => c.applied).length > 1)
        broken.push(
          `${change.service} → ${change.role} was applied ${same.filter((c) => c.applied).length} times in ${change.operation}`,
        );
      if (appliedAt >= 0 && same.length > appliedAt + 1)
        broken.push(
          `${change.service} → ${change.role} reached Aiven ${same.length - appliedAt - 1} more times after it was applied (${change.operation})`,
        );
    }
    // State never lost: the services are always held; the link is forgotten only once Aiven failed the primary over.
    const inState = await this.terraform.inner.stateList();
    for (const service of ["aiven_pg.primary", "aiven_pg.recovery"])
      if (!inState.includes(service)) broken.push(`the state lost ${service}`);
    if (!inState.includes(INTEGRATION) && !this.arrived.some((c) => c.role === "failed" && c.applied))
      broken.push("the state lost the integration without a failover at Aiven");
    // Every write was preceded by a backup of the state as it was.
    const dir = path.join(this.project.dir, ".crdr", "backups");
    const backups = fs.existsSync(dir)
      ? fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8"))
      : [];
    for (const before of this.terraform.statesBeforeWrites)
      if (!backups.includes(before)) broken.push("a state write had no backup equal to the state as it was");
    broken.push(...this.disagreements);
    // No message claims a change Aiven does not show (a killed run says nothing).
    const applied = (service: string, role: string) =>
      this.arrived.some((c) => c.service === service && c.role === role && c.applied);
    for (const run of this.runs.filter((r) => !r.killed)) {
      for (const [, service, role] of run.said.matchAll(/Aiven has (?:already )?made (\S+) (active|passive|failed)/g))
        if (!applied(service, role))
          broken.push(`run ${run.run} said Aiven made ${service} ${role}, which never happened`);
      for (const [, service] of run.said.matchAll(/Aiven has failed (\S+) over/g))
        if (!applied(service, "failed"))
          broken.push(`run ${run.run} said Aiven failed ${service} over, which never happened`);
      for (const [, service] of run.said.matchAll(/Aiven has begun recreating (\S+)/g))
        if (!applied(service, "passive"))
          broken.push(`run ${run.run} said Aiven began recreating ${service}, which never happened`);
    }
    return [...new Set(broken)];
  }
}

/**
 * The pair's stack as each phase synthesizes it, each synthesized once (in a
 * project of its own) and reused by every schedule: what a run in that phase
 * resolves.
 */
export class PhaseStacks {
  private readonly projects = new Map<string, ProjectFixture>();

  stackFor(record: PhaseRecord): SynthesizedStack {
    const layout = {
      phase: record.phase,
      primary: record.phase === "failed-over" ? record.primary : undefined,
      imports: pendingImportsOf(record).map((i) => i.address),
    };
    const key = JSON.stringify(layout);
    let project = this.projects.get(key);
    if (!project) {
      project = ProjectFixture.create();
      this.projects.set(key, project);
      const declared = {
        phase: record.phase,
        ...(record.phase === "failed-over"
          ? { primary: record.primary }
          : { pendingImports: pendingImportsOf(record) }),
      };
      project.writePhases({ [STACK]: declared });
      project.synth();
    }
    return project.stack();
  }

  remove(): void {
    for (const project of this.projects.values()) project.remove();
  }
}

/** The campaign's simulator: transitions short enough for many schedules, each showing its intermediate states. */
export function campaignSimulator(project: ProjectFixture): SimServer {
  const sim = new SimServer({
    token: "campaign",
    delays: { failoverMs: 40, rebuildMs: 40, rebalanceMs: 40, switchoverMs: 40, roleLagMs: 30 },
  });
  sim.model.addPairFromManifest(project.stack().pair);
  return sim;
}

/** A fresh checkout state for the next schedule: no phase file, journal, backups or locks. */
export function resetProject(project: ProjectFixture): void {
  project.clearPhases();
  fs.rmSync(path.join(project.dir, ".crdr"), { recursive: true, force: true });
  const locks = process.env.CRDR_LOCK_DIR;
  if (locks) for (const f of fs.readdirSync(locks)) fs.rmSync(path.join(locks, f), { recursive: true, force: true });
}

/** Recorded Terraform for the fast schedules: the pair's three resources in state. */
export function recordedTerraform(project: ProjectFixture): RecordingTerraform {
  return new RecordingTerraform(project.stack().workingDirectory, ALL);
}

/** Describes a schedule in one line, for a failure's message. */
export function describeSchedule(schedule: Schedule): string {
  return JSON.stringify(schedule);
}

/** The client the campaign's runs use: short timeouts, so lost answers are quick. */
export function campaignClient(url: string): AivenClient {
  return new AivenClient({ baseUrl: url, token: "campaign", backoffMs: 5, timeoutMs: 500 });
}
