import { randomUUID } from "crypto";
import * as path from "path";
import { AivenClient } from "../aiven/aiven-client";
import { PairReader } from "../aiven/pair-reader";
import { PeerSource, ServiceByServicePeerSource } from "../aiven/peer-source";
import { describePeer, peerData, Peers } from "../aiven/peer-status";
import { PairManifest } from "../contract/pair-manifest";
import { EXIT } from "../exit-codes";
import { OperationName, PendingImport, pendingImportsOf, PhaseRecord } from "../phase/phase-record";
import { PhaseFolder } from "../phase/phase-folder";
import { checkTransition, TransitionCheck } from "../phase/phase-transitions";
import { StateWriteError } from "../terraform/state-write-check";
import { Reporter } from "../reporting/reporter";
import { ResolvedStack } from "../synth/resolve-stack";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { TerraformFactory } from "../terraform/terraform-factory";
import { UserError } from "../user-error";
import { AcceptedWithoutEffectError, prepareResend } from "./accepted-without-effect";
import { Confirm, confirmByPrimaryName } from "./confirmation";
import { describeApplied, Journal, JournalWriteError, ROLE_EVENTS, WORK_DIR } from "./journal";
import { LockHeldError, lockDirectory, OperationLock, pairRecordFile } from "./operation-lock";
import { openPair } from "./pair-lock";
import { resynthesizeFor, writePhaseRecord } from "./phase-update";
import { proveCanFinish } from "./preflight";
import { resolveOpenIntent } from "./role-request";
import { sideBySide } from "./side-by-side";
import { StackTerraform } from "./stack-terraform";
import { PairTurn } from "./tier-order";
import { formatTimeline, TimelineRecorder } from "./timeline";
import { UnfinishedError } from "./unfinished-error";

/** Options every DR operation takes. */
export interface CommonOptions {
  readonly stack: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  /**
   * After a role change's answer is lost, how long to read both peers for a
   * sign that Aiven applied it before concluding it did not.
   */
  readonly lostAnswerGraceMs: number;
  /** Send again a role change Aiven accepted but never acted on (see `prepareResend`). @default false */
  readonly resend?: boolean;
}

/** The default of `lostAnswerGraceMs`, as the CLI's `--lost-answer-grace` shows it. */
export const DEFAULT_LOST_ANSWER_GRACE = "2m";

export interface OperationDeps {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly client: AivenClient;
  readonly reporter: Reporter;
  /** Asks the engineer to type `expected`; undefined when no terminal is attached. */
  readonly confirm?: Confirm;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where peers are read from. @default - one GET per service */
  readonly peers?: PeerSource;
  /** Record phases without synthesizing: the caller synthesizes once for many pairs. @default false */
  readonly deferSynth?: boolean;
  /** Where the pair's synthesized stack comes from. @default - `resolveStack` (synthesizing when stale) */
  readonly resolve?: (stack: string) => ResolvedStack;
  /** Makes the Terraform runner for a stack: `realTerraform` from the command line, a stand-in in tests. */
  readonly terraform: TerraformFactory;
  /** A region run's order of role changes (tiers). @default - a single pair sends as soon as it is ready */
  readonly turn?: PairTurn;
  /** Told when Aiven shows the operation's end state (the recovery active, for a failover). @default - nobody */
  readonly onRecovered?: () => void;
}

/** What failed, in words that follow "Aiven has …, but". */
const UNFINISHED_STEP: ReadonlyMap<string, string> = new Map(
  Object.entries({
    preflight: "this run's checks before going on failed",
    wait: "the wait for Aiven to finish did not complete",
    reconcile: "Terraform state was not updated",
    record: "the phase file was not updated",
    resynth: "cdk.tf.json was not resynthesized",
  }),
);

/**
 * What every operation works with once its stack is resolved, and the run's
 * own record. The pieces live in their own files and are handed to the body
 * as they are: the pair's lock (`pair-lock.ts`), the peer reader
 * (`PairReader`, shared with status), the stack's Terraform
 * (`StackTerraform`), the preflight (`preflight.ts`), the confirmation
 * (`confirmation.ts`) and the phase update (`phase-update.ts`). The context
 * itself keeps the run's steps, its timeline, the journal and what Aiven
 * has done, which leads any failure's message.
 */
export class OperationContext {
  /**
   * Opens the operation on its stack, runs `body`, and always releases the
   * lock. A failure after Aiven's roles changed is reported as unfinished,
   * leading with what already happened.
   */
  static async run<T>(
    operation: OperationName,
    options: CommonOptions,
    deps: OperationDeps,
    body: (ctx: OperationContext) => Promise<T>,
  ): Promise<T> {
    const runId = randomUUID();
    const timeline = new TimelineRecorder("resolve");
    let lock: OperationLock | undefined;
    let ctx: OperationContext | undefined;
    try {
      deps.reporter.step("resolve", `reading stack "${options.stack}" from the synthesized config`);
      const opened = await openPair({
        operation,
        stack: options.stack,
        dryRun: options.dryRun,
        runId,
        projectDir: deps.projectDir,
        env: deps.env,
        reporter: deps.reporter,
        resolve: deps.resolve,
      });
      lock = opened.lock;
      const { stack, phases } = opened.resolved;
      const { primary, recovery } = stack.pair;
      deps.reporter.info(
        `project ${stack.pair.project}: primary ${primary.serviceName} (${primary.cloudName}), recovery ${recovery.serviceName} (${recovery.cloudName})`,
      );
      const current = phases.phaseOf(options.stack);
      const transition = checkTransition(current, operation);
      if (transition.kind === "refused") throw new UserError(`Stack "${options.stack}": ${transition.reason}`);
      ctx = new OperationContext(operation, options, deps, stack, phases, current, transition, runId, timeline, lock);
      ctx.journal.append("started", { options: { ...options } });
      if (transition.kind === "resume")
        deps.reporter.info(
          `the phase file already records "${current.phase}" from ${operation}; finishing anything left undone`,
        );
      await resolveOpenIntent(ctx);
      if (options.resend) await prepareResend(ctx);
      return await body(ctx);
    } catch (err) {
      if (ctx) throw ctx.explainFailure(err);
      // Another run holding the pair is in charge of it; otherwise an earlier
      // run's change at Aiven leads, even before the stack resolves.
      const earlier =
        options.dryRun || err instanceof LockHeldError
          ? undefined
          : new Journal(deps.projectDir, options.stack, operation, runId, false).lastApplied();
      throw earlier && err instanceof UserError
        ? UnfinishedError.leadingWith(
            describeApplied(undefined, earlier, "an earlier run"),
            `the ${operation} could not resume`,
            err,
            `npm run ${operation} -- --stack ${options.stack}`,
          )
        : err;
    } finally {
      await lock?.release();
    }
  }

  readonly journal: Journal;
  /** Both peers of the pair, read the way each moment of the run needs. */
  readonly peers: PairReader;
  /** The stack's Terraform: the injected runner, its backend initialized once. */
  readonly terraform: StackTerraform;
  /** What this run knows Aiven did for the operation, once it has: it leads any later failure. */
  private changedAtAiven?: string;
  private currentStep = "resolve";

  private constructor(
    readonly operation: OperationName,
    readonly options: CommonOptions,
    readonly deps: OperationDeps,
    readonly stack: SynthesizedStack,
    readonly phases: PhaseFolder,
    readonly current: PhaseRecord,
    readonly transition: TransitionCheck,
    readonly runId: string,
    private readonly timeline: TimelineRecorder,
    private readonly lock?: OperationLock,
  ) {
    const { project, primary } = stack.pair;
    this.journal = new Journal(
      deps.projectDir,
      options.stack,
      operation,
      runId,
      !options.dryRun,
      pairRecordFile(lockDirectory(deps.env), { project, primaryService: primary.serviceName }),
    );
    const source: PeerSource = deps.peers ?? new ServiceByServicePeerSource(deps.client);
    this.peers = new PairReader(source, deps.client, stack.pair);
    this.terraform = new StackTerraform(
      deps.terraform({ cwd: stack.workingDirectory, env: deps.env }),
      stack.json.terraform?.backend,
      deps.projectDir,
      deps.reporter,
    );
  }

  get pair(): PairManifest {
    return this.stack.pair;
  }
  get reporter(): Reporter {
    return this.deps.reporter;
  }
  get client(): AivenClient {
    return this.deps.client;
  }

  /** Starts a named step: printed, and remembered for the message if it fails. */
  step(name: string, detail: string): void {
    // A run that was stopped long enough to lose its lock goes no further.
    this.assertStillLocked();
    this.currentStep = name;
    this.timeline.begin(name);
    this.reporter.step(name, detail);
  }

  /**
   * Marks the run complete in the journal. In a region run the pair is
   * complete only once the run's shared synth has succeeded, so the region
   * run marks it then (until then, status reports it unfinished).
   */
  complete(): void {
    if (this.options.dryRun) return;
    // The pair's role changes are settled either way: no checkout resolves them again.
    if (this.deps.deferSynth) return this.journal.settlePairRecord();
    this.journal.append("completed");
  }

  /** Refuses when another run took this run's lock over (see `OperationLock.assertHeld`). */
  assertStillLocked(): void {
    this.lock?.assertHeld();
  }

  /** Keeps a measurement with the run's timeline (in the journal's and the `done` event's timeline). */
  measured(name: string, value: unknown): void {
    this.timeline.measure(name, value);
  }

  /**
   * Waits, in a region run, until every pair of an earlier tier has sent its
   * role changes; the wait is its own step, so the timeline shows it.
   */
  async awaitRoleChangeTurn(): Promise<void> {
    const turn = this.deps.turn;
    if (this.options.dryRun || !turn || turn.isOpen()) return;
    this.step("turn", "waiting for the pairs of earlier tiers to send their role changes first");
    await turn.awaitTurn();
  }

  /** This pair sends no more role changes: later tiers of a region run may go. */
  roleChangesSent(): void {
    this.deps.turn?.roleChangesSent();
  }

  /** Aiven shows the operation's end state: the pair's recovery is active. */
  recovered(): void {
    if (!this.options.dryRun) this.deps.onRecovered?.();
  }

  /** The role change has reached Aiven: the end of "time to trigger". */
  triggered(): void {
    this.timeline.triggered();
  }

  /**
   * Ends the run: the summary, with the run's timeline (step durations and
   * recovery-time figures) in the journal and in the `done` event.
   */
  done(summary: string, data: Record<string, unknown>): void {
    const timeline = this.timeline.finish();
    this.journal.append("timeline", { timeline });
    this.reporter.done(this.options.dryRun ? summary : `${summary}\n  Timeline: ${formatTimeline(timeline)}`, {
      ...data,
      timeline,
    });
  }

  /**
   * Records that Aiven's roles have changed for this operation (by this run
   * or an earlier one), in words such as "Aiven has failed pg-primary over
   * to pg-primary-dr". From here on a failure is an unfinished operation.
   */
  markChangedAtAiven(description: string): void {
    if (!this.options.dryRun) this.changedAtAiven = description;
  }

  /** The command that finishes this operation, as the engineer would type it. */
  get rerunCommand(): string {
    return `npm run ${this.operation} -- --stack ${this.options.stack}`;
  }

  private explainFailure(err: unknown): unknown {
    // An accepted request that changed nothing claims nothing, not even an earlier run's change.
    if (err instanceof UnfinishedError || err instanceof AcceptedWithoutEffectError) return err;
    const lead = this.changedAtAiven ?? this.changeAtAivenSoFar(err);
    if (!lead) return err;
    const reason = err instanceof Error ? err.message : String(err);
    if (err instanceof UserError && err.exitCode === EXIT.timedOut) {
      return new UserError(`${lead}. ${reason}`, EXIT.timedOut);
    }
    const what = err instanceof StateWriteError ? err.unfinished : UNFINISHED_STEP.get(this.currentStep);
    return UnfinishedError.leadingWith(lead, what ?? `the "${this.currentStep}" step failed`, err, this.rerunCommand);
  }

  /**
   * What Aiven did that this run has not marked yet: a change whose journal
   * entry could not be written, or one an earlier run of this operation
   * journaled (a rerun failing its preflight is still a half-done operation).
   */
  private changeAtAivenSoFar(err: unknown): string | undefined {
    if (this.options.dryRun) return undefined;
    if (err instanceof JournalWriteError && err.entry.event === ROLE_EVENTS.applied)
      return describeApplied(this.pair, err.entry, "this run");
    const earlier = this.journal.lastApplied();
    return earlier && describeApplied(this.pair, earlier, "an earlier run");
  }

  /**
   * The checks before a change, side by side: both peers read from Aiven
   * while the preflight's Terraform checks run, so the role change can leave
   * as soon as the slower of the two is done. Nothing is sent here, and the
   * caller decides only once every check has passed: a failure of either
   * waits for the other to finish, then refuses.
   */
  async readPeersAndProveCanFinish<T = undefined>(
    toForget: readonly string[] = [],
    /** A read that needs the peers, run as soon as they are read, beside the Terraform checks. */
    alongside?: (peers: Peers) => Promise<T>,
  ): Promise<{ peers: Peers; inState: string[]; alongside?: T }> {
    this.step(
      "preflight",
      "reading both peers from the Aiven API while checking that Terraform and the phase file can take what follows the change at Aiven",
    );
    const preflight = this.options.dryRun
      ? Promise.resolve([])
      : proveCanFinish(this.terraform, this.preflightSubject(), toForget);
    const read = this.peers.read();
    const [peers, inState, after] = await sideBySide<[Peers, string[], T | undefined]>(
      read,
      preflight,
      read.then((p) => alongside?.(p)),
    );
    this.reportPeers(peers);
    return { peers, inState, alongside: after };
  }

  private preflightSubject() {
    return {
      stack: this.stack,
      current: this.current,
      phaseFile: this.phases.fileOf(this.options.stack),
      phaseFolder: this.phases.dir,
      foldersWritten: [path.join(this.deps.projectDir, WORK_DIR, "backups"), path.dirname(this.journal.file)],
      projectDir: this.deps.projectDir,
      reporter: this.reporter,
    };
  }

  /**
   * The current phase's pending imports that state does not hold yet (an
   * apply takes them in); what a new phase record carries over.
   */
  async remainingImports(): Promise<PendingImport[]> {
    const pending = pendingImportsOf(this.current);
    if (!pending.length || this.options.dryRun) return [...pending];
    const inState = await (await this.terraform.initBackend()).stateList();
    return pending.filter((i) => !inState.includes(i.address));
  }

  sleep(ms: number): Promise<void> {
    return (this.deps.sleep ?? ((t: number) => new Promise<void>((r) => setTimeout(r, t))))(ms);
  }

  private reportPeers(peers: Peers): void {
    for (const side of ["recovery", "primary"] as const) {
      this.reporter.info(describePeer(`${side} ${this.pair[side].serviceName}`, peers[side]), {
        peer: side,
        ...peerData(peers[side]),
      });
    }
  }

  /** Asks for the primary's name unless --yes or --dry-run. */
  confirm(what: string): Promise<void> {
    return confirmByPrimaryName(this.deps.confirm, this.pair, what, this.options);
  }

  /**
   * The record of the phase this run leads to. A run that finishes what an
   * earlier run of the same operation began keeps that run's `since` and
   * `runId`: the pair entered the phase then.
   */
  nextRecord<R extends PhaseRecord>(record: Omit<R, "since" | "runId" | "operation">): R {
    const resumed = this.current.phase === record.phase && this.current.operation === this.operation;
    return {
      ...record,
      since: resumed && this.current.since ? this.current.since : new Date().toISOString(),
      operation: this.operation,
      runId: resumed && this.current.runId ? this.current.runId : this.runId,
    } as R;
  }

  /**
   * Writes the new phase, resynthesizes, and checks the result is what the
   * phase synthesizes. A region run defers the synth: it synthesizes once for
   * all its pairs (the phase file is the truth; cdk.tf.json is derived from
   * it, so a crash in between is mended by the next run or npm run synth).
   */
  async recordPhase(record: PhaseRecord): Promise<void> {
    this.step(
      "record",
      `phase "${record.phase}" in ${this.phaseFileRelative()}${this.options.dryRun ? " (dry run: not written)" : ""}`,
    );
    if (this.options.dryRun) return;
    await writePhaseRecord(this.phases.dir, this.options.stack, record);
    this.journal.append("phase-recorded", { record });
    if (this.deps.deferSynth) {
      this.reporter.info(`cdk.tf.json is synthesized once the region run's pairs are done`);
      return;
    }
    this.currentStep = "resynth";
    this.timeline.begin("resynth");
    const stack = await resynthesizeFor(
      this.deps.projectDir,
      this.deps.env,
      this.options.stack,
      record,
      this.phaseFileRelative(),
    );
    this.reporter.info(`resynthesized ${path.relative(this.deps.projectDir, stack.file)}`);
  }

  phaseFileRelative(): string {
    return path.relative(this.deps.projectDir, this.phases.fileOf(this.options.stack));
  }
}
