import { randomUUID } from "crypto";
import * as path from "path";
import { AivenApiError } from "../aiven/aiven-api-error";
import { AivenClient } from "../aiven/aiven-client";
import { OperationName, PendingImport, pendingImportsOf, PhaseRecord } from "../phase";
import { PhaseFile } from "../phase-file";
import { layoutFor } from "../phase-layout";
import { checkTransition, TransitionCheck } from "../phase-transitions";
import { PairManifest } from "../pair-manifest";
import { readCdktfConfig } from "../synth/cdktf-config";
import { synthesize } from "../synth/synthesize";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { TerraformCli } from "../terraform/terraform-cli";
import { UserError } from "../user-error";
import { Journal } from "./journal";
import { describePeer, PeerStatus, readPeer } from "./peer-status";
import { Reporter } from "./reporter";
import { resolveStack } from "./resolve-stack";
import { settingsFiles } from "./settings-files";

/** Options every DR operation takes. */
export interface CommonOptions {
  readonly stack: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
}

export interface OperationDeps {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly client: AivenClient;
  readonly reporter: Reporter;
  /** Asks the engineer to type `expected`; undefined when no terminal is attached. */
  readonly confirm?: (prompt: string, expected: string) => Promise<boolean>;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Exit codes of the DR commands; the README lists them. */
export const EXIT = { ok: 0, bug: 1, refused: 2, timedOut: 3 } as const;

/**
 * What every operation works with once its stack is resolved: the pair as
 * synthesized, the phase file, the journal, and the ways to reach Aiven and
 * Terraform.
 */
export class OperationContext {
  static open(operation: OperationName, options: CommonOptions, deps: OperationDeps): OperationContext {
    deps.reporter.step("resolve", `reading stack "${options.stack}" from the synthesized config`);
    const files = settingsFiles(deps.projectDir, deps.env);
    const { stack, phases } = resolveStack(deps.projectDir, options.stack, deps.env, files, (warning) => deps.reporter.warn(warning));
    const { primary, recovery } = stack.pair;
    deps.reporter.info(
      `project ${stack.pair.project}: primary ${primary.serviceName} (${primary.cloudName}), recovery ${recovery.serviceName} (${recovery.cloudName})`,
    );
    const current = phases.phaseOf(options.stack);
    const transition = checkTransition(current, operation);
    if (transition.kind === "refused") throw new UserError(`Stack "${options.stack}": ${transition.reason}`);
    if (transition.kind === "resume") deps.reporter.info(`the phase file already records "${current.phase}" from ${operation}; finishing anything left undone`);
    return new OperationContext(operation, options, deps, stack, phases, current, transition);
  }

  readonly journal: Journal;
  readonly runId = randomUUID();

  private constructor(
    readonly operation: OperationName,
    readonly options: CommonOptions,
    readonly deps: OperationDeps,
    readonly stack: SynthesizedStack,
    readonly phases: PhaseFile,
    readonly current: PhaseRecord,
    readonly transition: TransitionCheck,
  ) {
    this.journal = new Journal(deps.projectDir, options.stack, operation, this.runId, !options.dryRun);
    this.journal.append("started", { options: { ...options } });
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

  terraform(): TerraformCli {
    return new TerraformCli({ cwd: this.stack.workingDirectory, env: this.deps.env });
  }

  /**
   * Initializes the stack's backend. Provider download may fail (registries
   * unreachable in an outage); the state commands need only the backend.
   */
  async initBackend(terraform: TerraformCli): Promise<void> {
    const init = await terraform.initBackend();
    if (!init.providersInstalled) {
      this.reporter.warn("terraform init could not install providers (registry unreachable?); the backend is initialized, which is all the state commands need");
    }
  }

  /**
   * The current phase's pending imports that state does not hold yet (an
   * apply takes them in); what a new phase record carries over.
   */
  async remainingImports(): Promise<PendingImport[]> {
    const pending = pendingImportsOf(this.current);
    if (!pending.length || this.options.dryRun) return [...pending];
    const terraform = this.terraform();
    await this.initBackend(terraform);
    const inState = await terraform.stateList();
    return pending.filter((i) => !inState.includes(i.address));
  }

  sleep(ms: number): Promise<void> {
    return (this.deps.sleep ?? ((t: number) => new Promise<void>((r) => setTimeout(r, t))))(ms);
  }

  /** Reads both peers, turning auth and not-found answers into one clear sentence. */
  /**
   * Reads both peers. A refused token, or a recovery service Aiven does not
   * know, is one clear sentence; a primary Aiven does not return counts as
   * unreachable (after a failover its region, and so the service, may be gone),
   * unless the recovery service is missing too, which means wrong names.
   */
  async readPeers(): Promise<{ primary: PeerStatus; recovery: PeerStatus }> {
    const read = async (service: string): Promise<PeerStatus | AivenApiError> => {
      try {
        return await readPeer(this.client, this.pair.project, service);
      } catch (err) {
        if (err instanceof AivenApiError && err.isAuthFailure) {
          throw new UserError(`The Aiven API refused the token (${err.message}); set AIVEN_TOKEN to a valid token for project "${this.pair.project}".`);
        }
        if (err instanceof AivenApiError && err.isNotFound) return err;
        throw err;
      }
    };
    const [recovery, primary] = await Promise.all([read(this.pair.recovery.serviceName), read(this.pair.primary.serviceName)]);
    if (recovery instanceof AivenApiError) {
      throw new UserError(`Aiven has no service "${this.pair.recovery.serviceName}" in project "${this.pair.project}" (${recovery.message}); check the project setting and the pair's names in main.ts.`);
    }
    return { primary: primary instanceof AivenApiError ? { reachable: false, error: primary } : primary, recovery };
  }

  reportPeers(peers: { primary: PeerStatus; recovery: PeerStatus }): void {
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

  /** Writes the new phase, resynthesizes, and checks the result matches the phase's layout. */
  recordPhase(record: PhaseRecord): SynthesizedStack | undefined {
    this.reporter.step("record", `phase "${record.phase}" in ${path.relative(this.deps.projectDir, this.phases.file)}${this.options.dryRun ? " (dry run: not written)" : ""}`);
    if (this.options.dryRun) return undefined;
    // Read again just before writing: in a fleet run other pairs record their
    // phases in the same file (this read-modify-write is synchronous).
    PhaseFile.load(this.phases.file).with(this.options.stack, record).save();
    this.journal.append("phase-recorded", { record });
    try {
      synthesize(this.deps.projectDir, this.deps.env);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      throw new UserError(
        `The phase "${record.phase}" is recorded in ${this.phaseFileRelative()}, but resynthesizing failed, so cdk.tf.json is stale; fix the cause and run npm run synth (or rerun this command) before any plan.
${err.message}`,
      );
    }
    const stack = SynthesizedStack.load(readCdktfConfig(this.deps.projectDir).outdir, this.options.stack);
    verifyLayout(stack, record);
    this.reporter.info(`resynthesized ${path.relative(this.deps.projectDir, stack.file)}`);
    return stack;
  }

  phaseFileRelative(): string {
    return path.relative(this.deps.projectDir, this.phases.file);
  }
}

export function peerData(status: PeerStatus): Record<string, unknown> {
  return status.reachable
    ? { reachable: true, state: status.service.state, role: status.service.disaster_recovery_role ?? null }
    : { reachable: false, error: status.error.message };
}

/** Checks a resynthesized stack declares what its phase's layout says; a mismatch is a bug. */
export function verifyLayout(stack: SynthesizedStack, record: PhaseRecord): void {
  const layout = layoutFor(record);
  const problems: string[] = [];
  const entries = [
    [stack.pair.primary.address, layout.primary],
    [stack.pair.recovery.address, layout.recovery],
    [stack.pair.integration.address, layout.integration],
  ] as const;
  for (const [address, expected] of entries) {
    const resource = stack.resource(address);
    const frozen = resource?.lifecycle?.ignore_changes === "all" && resource?.lifecycle?.prevent_destroy === true;
    if (expected === "forgotten" && resource) problems.push(`${address} is still declared`);
    if (expected === "forgotten" && !stack.removedAddresses().includes(address)) problems.push(`${address} has no removed block`);
    if (expected === "frozen" && !frozen) problems.push(`${address} is not frozen`);
    if (expected === "managed" && (!resource || frozen)) problems.push(`${address} is not managed`);
  }
  if (problems.length) {
    throw new Error(`The resynthesized stack ${stack.file} does not match phase "${record.phase}": ${problems.join("; ")}.`);
  }
}
