import { randomUUID } from "crypto";
import * as path from "path";
import { AivenClient } from "../aiven/aiven-client";
import { PairReader } from "../aiven/pair-reader";
import { PeerSource, ServiceByServicePeerSource } from "../aiven/peer-source";
import { describePeer, peerData, Peers } from "../aiven/peer-status";
import { PairManifest } from "../contract/pair-manifest";
import { OperationName, PendingImport, pendingImportsOf, PhaseRecord } from "../phase/phase-record";
import { PhaseFolder } from "../phase/phase-folder";
import { checkTransition, TransitionCheck } from "../phase/phase-transitions";
import { Reporter } from "../reporting/reporter";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { UserError } from "../user-error";
import { prepareResend } from "./accepted-without-effect";
import { ChangeAtAiven, explainFailureBeforeOpening } from "./change-at-aiven";
import { confirmByPrimaryName } from "./confirmation";
import { Journal, WORK_DIR } from "./journal";
import { CommonOptions, OperationDeps } from "./operation-inputs";
import { lockDirectory, OperationLock, pairRecordFile } from "./operation-lock";
import { openPair } from "./pair-lock";
import { PairRun, pairRunOf, rerunCommandOf } from "./pair-run";
import { PhaseRecording } from "./phase-recording";
import { proveCanFinish } from "./preflight";
import { resolveOpenIntent } from "./role-request";
import { RunSteps } from "./run-steps";
import { sideBySide } from "./side-by-side";
import { StackTerraform } from "./stack-terraform";
import { formatTimeline, TimelineRecorder } from "./timeline";
import { keepFailureTrace } from "./failure-trace";

// Where these lived before operation-inputs.ts: tests written against that place still find them.
export type { CommonOptions, OperationDeps } from "./operation-inputs";
export { DEFAULT_LOST_ANSWER_GRACE } from "./operation-inputs";

/**
 * What every operation works with once its stack is resolved, and the run's
 * own record. The pieces live in their own files and are handed to the body
 * as they are: the pair's lock (`pair-lock.ts`), the peer reader
 * (`PairReader`, shared with status), the stack's Terraform
 * (`StackTerraform`), the preflight (`preflight.ts`), the confirmation
 * (`confirmation.ts`), the phase the run leads to (`phase-recording.ts`),
 * the run's steps and timeline (`run-steps.ts`) and what Aiven has done,
 * which leads any failure's message (`change-at-aiven.ts`). The steps that
 * read and change the pair at Aiven (role requests, waits) get `pairRun`,
 * built from the same pieces: they never see the context.
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
      ctx.phaseRecording.prepare();
      ctx.journal.append("started", { options: { ...options } });
      if (transition.kind === "resume")
        deps.reporter.info(
          `the phase file already records "${current.phase}" from ${operation}; finishing anything left undone`,
        );
      // What earlier runs left open is settled before the body decides anything.
      await resolveOpenIntent(ctx.pairRun);
      if (options.resend) await prepareResend(ctx.pairRun);
      return await body(ctx);
    } catch (err) {
      if (ctx) throw keepFailureTrace(ctx.changeAtAiven.explain(err, ctx.steps.currentStep), ctx.journal, deps.env);
      throw explainFailureBeforeOpening(
        err,
        options.dryRun,
        () => new Journal(deps.projectDir, options.stack, operation, runId, false),
        operation,
        rerunCommandOf(operation, options.stack),
      );
    } finally {
      await ctx?.phaseRecording.dispose();
      await lock?.release();
    }
  }

  readonly journal: Journal;
  /** Both peers of the pair, read the way each moment of the run needs. */
  readonly peers: PairReader;
  /** The stack's Terraform: the injected runner, its backend initialized once. */
  readonly terraform: StackTerraform;
  /** The run as the steps that read and change the pair at Aiven see it (role requests, waits, checks). */
  readonly pairRun: PairRun;
  private readonly steps: RunSteps;
  /** What this run knows Aiven did for the operation, once it has: it leads any later failure. */
  private readonly changeAtAiven: ChangeAtAiven;
  /** The phase this run leads the pair to. */
  private readonly phaseRecording: PhaseRecording;

  private constructor(
    readonly operation: OperationName,
    readonly options: CommonOptions,
    readonly deps: OperationDeps,
    readonly stack: SynthesizedStack,
    readonly phases: PhaseFolder,
    readonly current: PhaseRecord,
    readonly transition: TransitionCheck,
    readonly runId: string,
    timeline: TimelineRecorder,
    lock?: OperationLock,
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
    this.steps = new RunSteps(timeline, deps.reporter, lock);
    this.pairRun = pairRunOf({
      operation,
      options,
      pair: stack.pair,
      journal: this.journal,
      client: deps.client,
      peers: this.peers,
      reporter: deps.reporter,
      steps: this.steps,
      turn: deps.turn,
      sleep: deps.sleep,
    });
    this.changeAtAiven = new ChangeAtAiven(options.dryRun, this.journal, stack.pair, this.pairRun.rerunCommand);
    this.phaseRecording = new PhaseRecording({
      operation,
      runId,
      stack: options.stack,
      dryRun: options.dryRun,
      current,
      phases,
      projectDir: deps.projectDir,
      env: deps.env,
      deferSynth: deps.deferSynth ?? false,
      journal: this.journal,
      reporter: deps.reporter,
      steps: this.steps,
    });
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
    this.steps.begin(name, detail);
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

  /** This pair sends no more role changes: later tiers of a region run may go. */
  roleChangesSent(): void {
    this.deps.turn?.roleChangesSent();
  }

  /** Aiven shows the operation's end state: the pair's recovery is active. */
  recovered(): void {
    if (!this.options.dryRun) this.deps.onRecovered?.();
  }

  /**
   * Ends the run: the summary, with the run's timeline (step durations and
   * recovery-time figures) in the journal and in the `done` event.
   */
  done(summary: string, data: Record<string, unknown>): void {
    const timeline = this.steps.finish();
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
    this.changeAtAiven.mark(description);
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

  /** The record of the phase this run leads to (see `PhaseRecording.next`). */
  nextRecord<R extends PhaseRecord>(record: Omit<R, "since" | "runId" | "operation">): R {
    return this.phaseRecording.next<R>(record);
  }

  /** Writes the new phase and resynthesizes (see `PhaseRecording.record`). */
  recordPhase(record: PhaseRecord): Promise<void> {
    return this.phaseRecording.record(record);
  }

  /** The pair's phase file, relative to the project. */
  phaseFileRelative(): string {
    return this.phaseRecording.fileShown();
  }
}
