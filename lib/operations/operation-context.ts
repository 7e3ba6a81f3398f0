import * as fs from "fs";
import { randomUUID } from "crypto";
import * as path from "path";
import { AivenApiError } from "../aiven/aiven-api-error";
import { AivenClient } from "../aiven/aiven-client";
import { PeerSource, ServiceByServicePeerSource } from "../aiven/peer-source";
import { EXIT } from "../exit-codes";
import { OperationName, PendingImport, pendingImportsOf, PhaseRecord } from "../phase/phase-record";
import { PhaseFile } from "../phase/phase-file";
import { checkTransition, TransitionCheck } from "../phase/phase-transitions";
import { PairManifest } from "../contract/pair-manifest";
import { readCdktfConfig } from "../settings/cdktf-config";
import { synthesize } from "../synth/synthesize";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { TerraformCli, TerraformCliOptions } from "../terraform/terraform-cli";
import { compareBackendCache } from "../terraform/backend-cache";
import { describeBackend } from "../terraform/backend-description";
import { TerraformRunner } from "../terraform/terraform-runner";
import { compareVersions, minimumFromConstraint, requiredTerraformVersion } from "../terraform/terraform-version";
import { UserError } from "../user-error";
import { describeApplied, Journal, JournalWriteError, ROLE_EVENTS, WORK_DIR } from "./journal";
import { LockHeldError, lockDirectory, OperationLock, withFileLock, withSynthLock } from "./operation-lock";
import { describePeer, PeerStatus, Peers } from "../aiven/peer-status";
import { Reporter } from "../reporting/reporter";
import { resolveStack, ResolvedStack } from "../synth/resolve-stack";
import { resolveOpenIntent } from "./role-request";
import { settingsForTooling } from "../settings/tool-settings";
import { formatTimeline, TimelineRecorder } from "./timeline";
import { UnfinishedError } from "./unfinished-error";
import { AcceptedWithoutEffectError, prepareResend } from "./accepted-without-effect";
import { addressesExpectedInState, proveStateIsThePairs } from "./state-ownership";
import { assertFoldersWritable } from "./writable-folders";
import { PairTurn } from "./tier-order";

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
  readonly confirm?: (prompt: string, expected: string) => Promise<boolean>;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where peers are read from. @default - one GET per service */
  readonly peers?: PeerSource;
  /** Record phases without synthesizing: the caller synthesizes once for many pairs. @default false */
  readonly deferSynth?: boolean;
  /** Where the pair's synthesized stack comes from. @default - `resolveStack` (synthesizing when stale) */
  readonly resolve?: (stack: string) => ResolvedStack;
  /** Makes the Terraform runner for a stack. @default - the real binary (`TerraformCli`) */
  readonly terraform?: (options: TerraformCliOptions) => TerraformRunner;
  /** A region run's order of role changes (tiers). @default - a single pair sends as soon as it is ready */
  readonly turn?: PairTurn;
  /** Told when Aiven shows the operation's end state (the recovery active, for a failover). @default - nobody */
  readonly onRecovered?: () => void;
}

/** What failed, in words that follow "Aiven has …, but". */
const UNFINISHED_STEP: ReadonlyMap<string, string> = new Map(Object.entries({
  preflight: "this run's checks before going on failed",
  wait: "the wait for Aiven to finish did not complete",
  reconcile: "Terraform state was not updated",
  record: "the phase file was not updated",
  resynth: "cdk.tf.json was not resynthesized",
}));

/**
 * What every operation works with once its stack is resolved: the pair as
 * synthesized, the phase file, the journal, the pair's operation lock, and
 * the ways to reach Aiven and Terraform.
 */
export class OperationContext {
  /**
   * Opens the operation on its stack, runs `body`, and always releases the
   * lock. A failure after Aiven's roles changed is reported as unfinished,
   * leading with what already happened.
   */
  static async run<T>(operation: OperationName, options: CommonOptions, deps: OperationDeps, body: (ctx: OperationContext) => Promise<T>): Promise<T> {
    const runId = randomUUID();
    const timeline = new TimelineRecorder("resolve");
    let lock: OperationLock | undefined;
    let ctx: OperationContext | undefined;
    try {
      deps.reporter.step("resolve", `reading stack "${options.stack}" from the synthesized config`);
      const files = settingsForTooling(deps.projectDir, deps.env);
      // A run that may change something must be able to synthesize afterwards,
      // so a broken synth refuses now; a dry run makes do with the last output.
      const resolve = () => resolveStack(deps.projectDir, options.stack, deps.env, files, { strict: !options.dryRun, warn: (warning) => deps.reporter.warn(warning) });
      const resolveNow = () => (deps.resolve ? deps.resolve(options.stack) : options.dryRun ? resolve() : withSynthLock(deps.projectDir, resolve, (m) => deps.reporter.warn(m)));
      let resolved = await resolveNow();
      if (!options.dryRun) {
        // One operator per pair on this machine, from any checkout: the lock
        // is the pair's at Aiven, so it is taken once the pair is known.
        const { pair } = resolved.stack;
        lock = await OperationLock.acquire(lockDirectory(deps.env), { project: pair.project, primaryService: pair.primary.serviceName, stack: options.stack }, { operation, runId });
        // A run that held the lock meanwhile may have recorded a new phase.
        if (JSON.stringify(PhaseFile.load(resolved.phases.file).phaseOf(options.stack)) !== JSON.stringify(resolved.phases.phaseOf(options.stack))) resolved = await resolveNow();
      }
      const { stack, phases } = resolved;
      const { primary, recovery } = stack.pair;
      deps.reporter.info(
        `project ${stack.pair.project}: primary ${primary.serviceName} (${primary.cloudName}), recovery ${recovery.serviceName} (${recovery.cloudName})`,
      );
      const current = phases.phaseOf(options.stack);
      const transition = checkTransition(current, operation);
      if (transition.kind === "refused") throw new UserError(`Stack "${options.stack}": ${transition.reason}`);
      ctx = new OperationContext(operation, options, deps, stack, phases, current, transition, runId, timeline, lock);
      ctx.journal.append("started", { options: { ...options } });
      if (transition.kind === "resume") deps.reporter.info(`the phase file already records "${current.phase}" from ${operation}; finishing anything left undone`);
      await resolveOpenIntent(ctx);
      if (options.resend) await prepareResend(ctx);
      return await body(ctx);
    } catch (err) {
      if (ctx) throw ctx.explainFailure(err);
      // Another run holding the pair is in charge of it; otherwise an earlier
      // run's change at Aiven leads, even before the stack resolves.
      const earlier = options.dryRun || err instanceof LockHeldError ? undefined : new Journal(deps.projectDir, options.stack, operation, runId, false).lastApplied();
      throw earlier && err instanceof UserError ? UnfinishedError.leadingWith(describeApplied(undefined, earlier, "an earlier run"), `the ${operation} could not resume`, err, `npm run ${operation} -- --stack ${options.stack}`) : err;
    } finally {
      await lock?.release();
    }
  }

  readonly journal: Journal;
  /** What this run knows Aiven did for the operation, once it has: it leads any later failure. */
  private changedAtAiven?: string;
  private currentStep = "resolve";
  private terraformCli?: TerraformRunner;
  private peerSource?: PeerSource;
  private backendReady = false;

  private constructor(
    readonly operation: OperationName,
    readonly options: CommonOptions,
    readonly deps: OperationDeps,
    readonly stack: SynthesizedStack,
    readonly phases: PhaseFile,
    readonly current: PhaseRecord,
    readonly transition: TransitionCheck,
    readonly runId: string,
    private readonly timeline: TimelineRecorder,
    private readonly lock?: OperationLock,
  ) {
    this.journal = new Journal(deps.projectDir, options.stack, operation, runId, !options.dryRun);
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
    if (this.options.dryRun || this.deps.deferSynth) return;
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
    this.reporter.done(this.options.dryRun ? summary : `${summary}\n  Timeline: ${formatTimeline(timeline)}`, { ...data, timeline });
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
    return UnfinishedError.leadingWith(lead, UNFINISHED_STEP.get(this.currentStep) ?? `the "${this.currentStep}" step failed`, err, this.rerunCommand);
  }

  /**
   * What Aiven did that this run has not marked yet: a change whose journal
   * entry could not be written, or one an earlier run of this operation
   * journaled (a rerun failing its preflight is still a half-done operation).
   */
  private changeAtAivenSoFar(err: unknown): string | undefined {
    if (this.options.dryRun) return undefined;
    if (err instanceof JournalWriteError && err.entry.event === ROLE_EVENTS.applied) return describeApplied(this.pair, err.entry, "this run");
    const earlier = this.journal.lastApplied();
    return earlier && describeApplied(this.pair, earlier, "an earlier run");
  }

  terraform(): TerraformRunner {
    this.terraformCli ??= (this.deps.terraform ?? ((o) => new TerraformCli(o)))({
      cwd: this.stack.workingDirectory,
      env: this.deps.env,
    });
    return this.terraformCli;
  }

  /**
   * Initializes the stack's backend, once per run, and only when an earlier
   * init did not already set it up. Provider download may fail (registries
   * unreachable in an outage); the state commands need only the backend.
   */
  async initBackend(): Promise<TerraformRunner> {
    const terraform = this.terraform();
    if (this.backendReady) return terraform;
    const cache = compareBackendCache(terraform.cwd, this.stack.json.terraform?.backend);
    if (cache.kind === "different") {
      // Terraform keeps an earlier init's -backend-config: it would read another state.
      throw new UserError(
        `${path.relative(this.deps.projectDir, terraform.cwd)}/.terraform was initialised against another backend than the stack declares (${cache.difference}); run "${terraform.binary} init -reconfigure" there (or delete that .terraform folder), then rerun. Nothing was sent to Aiven.`,
      );
    }
    if (cache.kind === "same") {
      this.backendReady = true;
      return terraform;
    }
    const init = await terraform.initBackend();
    if (!init.providersInstalled) {
      this.reporter.warn("terraform init could not install providers (registry unreachable?); the backend is initialized, which is all the state commands need");
    }
    this.backendReady = true;
    return terraform;
  }

  /**
   * Before anything is sent to Aiven, proves that the rest of the operation
   * can finish: the terraform binary at a supported version, the backend
   * initialized, the state this pair's (it holds the pinned addresses the
   * phase expects, with the pair's names), the state lock free and the state
   * writable (a dry run of `state rm`, which takes the lock, for the
   * addresses to forget), and every folder the run writes writable. Returns
   * what state holds.
   */
  async proveCanFinish(toForget: readonly string[] = []): Promise<string[]> {
    this.step("preflight", "checking that Terraform and the phase file can take what follows the change at Aiven");
    if (this.options.dryRun) return [];
    const terraform = this.terraform();
    // The stack as it is now, and as it will be once the new phase is
    // synthesized (a failed-over pair forgets with removed blocks).
    const next = requiredTerraformVersion();
    const now = minimumFromConstraint(this.stack.json.terraform?.required_version);
    const version = await terraform.checkVersion(compareVersions(next, now) > 0 ? next : now);
    await this.initBackend();
    const backend = describeBackend(this.stack.json.terraform, terraform.cwd);
    const expected = addressesExpectedInState(this.pair, pendingImportsOf(this.current), toForget);
    const inState = proveStateIsThePairs(await terraform.statePull(), this.pair, expected, backend);
    const present = toForget.filter((a) => inState.includes(a));
    await terraform.stateRmDryRun(present);
    this.assertPhaseFileWritable();
    assertFoldersWritable([path.join(this.deps.projectDir, WORK_DIR, "backups"), path.dirname(this.journal.file)]);
    this.warnIfStateReadableByOthers();
    this.reporter.info(`${terraform.binary} ${version}: backend ready, state of ${this.pair.stack} read from ${backend}${present.length ? `, lock free for removing ${present.join(" and ")}` : ""}; phase file writable`);
    return inState;
  }

  /** A local state file others can read exposes the services' passwords: say so (it is the owner's file to change). */
  private warnIfStateReadableByOthers(): void {
    const local = this.stack.json.terraform?.backend?.local as { path?: string } | undefined;
    if (!local?.path) return;
    const file = path.resolve(this.stack.workingDirectory, local.path);
    if (fs.existsSync(file) && (fs.statSync(file).mode & 0o077) !== 0) {
      this.reporter.warn(`${path.relative(this.deps.projectDir, file)} is readable by others (mode ${(fs.statSync(file).mode & 0o777).toString(8)}) and holds the services' passwords; chmod 600 it`);
    }
  }

  private assertPhaseFileWritable(): void {
    const file = this.phases.file;
    // The file is replaced atomically (a new file beside it) under a lock
    // directory beside it: the folder must be writable too.
    const targets = fs.existsSync(file) ? [file, path.dirname(file)] : [path.dirname(file)];
    try {
      for (const target of targets) fs.accessSync(target, fs.constants.W_OK);
    } catch (err) {
      throw new UserError(`The phase file ${file} cannot be written (${(err as NodeJS.ErrnoException).code}); make it writable, then rerun. Nothing was sent to Aiven.`);
    }
  }

  /**
   * The current phase's pending imports that state does not hold yet (an
   * apply takes them in); what a new phase record carries over.
   */
  async remainingImports(): Promise<PendingImport[]> {
    const pending = pendingImportsOf(this.current);
    if (!pending.length || this.options.dryRun) return [...pending];
    const inState = await (await this.initBackend()).stateList();
    return pending.filter((i) => !inState.includes(i.address));
  }

  sleep(ms: number): Promise<void> {
    return (this.deps.sleep ?? ((t: number) => new Promise<void>((r) => setTimeout(r, t))))(ms);
  }

  /**
   * Reads both peers. A refused token, an API that cannot be used, or a
   * recovery service Aiven does not know is one clear sentence; a primary
   * Aiven does not return counts as unreachable (after a failover its
   * region, and so the service, may be gone).
   */
  async readPeers(): Promise<Peers> {
    const peers = await this.readPeersTolerantly();
    const recovery = peers.recovery;
    if (!recovery.reachable && recovery.error.isNotFound) {
      throw new UserError(`Aiven has no service "${this.pair.recovery.serviceName}" in project "${this.pair.project}" (${recovery.error.message}); check the project setting and the pair's names in main.ts.`);
    }
    return peers;
  }

  /**
   * Reads both peers; only a refused token or an unusable API throw. Any
   * other failure (404 included) is an unreachable peer.
   */
  async readPeersTolerantly(): Promise<Peers> {
    this.peerSource ??= this.deps.peers ?? new ServiceByServicePeerSource(this.client);
    const peers = await this.peerSource.read(this.pair);
    for (const peer of [peers.recovery, peers.primary]) {
      if (peer.reachable) continue;
      if (peer.error.isAuthFailure) {
        throw new TokenRefusedError(`The Aiven API refused the token (${peer.error.message}); set AIVEN_TOKEN to a valid token for project "${this.pair.project}".`);
      }
      if (peer.error.isApiUnreachable) throw this.client.unusableApi(peer.error);
    }
    return peers;
  }

  /**
   * Both peers, or unreadable ones when no usable answer comes (a portal's
   * page, a refused token, a vanished service): after a request has gone
   * out, a bad answer is no verdict, so resolving and waiting read this way.
   * A wait passes `tokenRefusalEnds`: a revoked token would otherwise be
   * waited on for the whole --timeout.
   */
  async readPeersQuietly(options: { tokenRefusalEnds?: boolean } = {}): Promise<Peers> {
    try {
      return await this.readPeersTolerantly();
    } catch (err) {
      if (!(err instanceof UserError) || (options.tokenRefusalEnds && err instanceof TokenRefusedError)) throw err;
      const error = new AivenApiError("GET", "(both peers)", "network", { apiMessage: err.message });
      return { primary: { reachable: false, error }, recovery: { reachable: false, error } };
    }
  }

  reportPeers(peers: Peers): void {
    for (const side of ["recovery", "primary"] as const) {
      this.reporter.info(describePeer(`${side} ${this.pair[side].serviceName}`, peers[side]), { peer: side, ...peerData(peers[side]) });
    }
  }

  /** Asks for the primary's name unless --yes or --dry-run. */
  async confirm(what: string): Promise<void> {
    if (this.options.dryRun || this.options.yes) return;
    if (!this.deps.confirm) throw new UserError("No terminal to confirm on; rerun with --yes to go ahead without the prompt.");
    const name = this.pair.primary.serviceName;
    const ok = await this.deps.confirm(`This will ${what}. Type the primary's name (${name}) to go on: `, name);
    if (!ok) throw new UserError("Confirmation did not match the primary's service name; nothing was changed.");
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
    this.step("record", `phase "${record.phase}" in ${this.phaseFileRelative()}${this.options.dryRun ? " (dry run: not written)" : ""}`);
    if (this.options.dryRun) return;
    // Other runs (other pairs, a region run) rewrite the same file: read it
    // again and write it under its lock.
    await withFileLock(this.phases.file, () => PhaseFile.load(this.phases.file).with(this.options.stack, record).save());
    this.journal.append("phase-recorded", { record });
    if (this.deps.deferSynth) {
      this.reporter.info(`cdk.tf.json is synthesized once the region run's pairs are done`);
      return;
    }
    this.currentStep = "resynth";
    this.timeline.begin("resynth");
    try {
      await withSynthLock(this.deps.projectDir, () => synthesize(this.deps.projectDir, this.deps.env));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      throw new UserError(`the phase "${record.phase}" is recorded in ${this.phaseFileRelative()}, but resynthesizing failed, so cdk.tf.json is stale; run npm run synth once the cause is fixed, before any plan.\n${err.message}`);
    }
    const stack = SynthesizedStack.load(readCdktfConfig(this.deps.projectDir).outdir, this.options.stack);
    stack.verifyAgainst(record);
    this.reporter.info(`resynthesized ${path.relative(this.deps.projectDir, stack.file)}`);
  }

  phaseFileRelative(): string {
    return path.relative(this.deps.projectDir, this.phases.file);
  }
}

/** The API refused the token: no amount of waiting reads the pair again. */
class TokenRefusedError extends UserError {}

export function peerData(status: PeerStatus): Record<string, unknown> {
  return status.reachable
    ? { reachable: true, state: status.service.state, role: status.service.disaster_recovery_role ?? null }
    : { reachable: false, error: status.error.message };
}
