import { randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { AivenApiError } from "../aiven/aiven-api-error";
import { AivenClient } from "../aiven/aiven-client";
import { FailedOverPhase, PrimaryDisposition } from "../phase";
import { checkTransition } from "../phase-transitions";
import { PairManifest } from "../pair-manifest";
import { readCdktfConfig } from "../synth/cdktf-config";
import { synthesize } from "../synth/synthesize";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { TerraformCli } from "../terraform/terraform-cli";
import { UserError } from "../user-error";
import { Journal, WORK_DIR } from "./journal";
import { describePeer, isRole, PeerStatus, readPeer } from "./peer-status";
import { Reporter } from "./reporter";
import { resolveStack } from "./resolve-stack";
import { settingsFiles } from "./settings-files";

export interface FailoverOptions {
  readonly stack: string;
  /** Also forget the primary in Terraform state, because its region is unreachable. */
  readonly primaryUnreachable: boolean;
  /** The failover already happened (Console or CLI): verify and reconcile only. */
  readonly stateOnly: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
  /** Fail over even when the recovery service is not a healthy passive peer. */
  readonly force: boolean;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
}

export interface FailoverDeps {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly client: AivenClient;
  readonly reporter: Reporter;
  /** Asks the engineer to type `expected`; undefined when no terminal is attached. */
  readonly confirm?: (prompt: string, expected: string) => Promise<boolean>;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface FailoverResult {
  readonly stack: string;
  readonly triggered: boolean;
  readonly removedFromState: string[];
  readonly primary: PrimaryDisposition;
  readonly phaseFile: string;
  readonly backup?: string;
  readonly dryRun: boolean;
}

/** Exit codes of the DR commands; README lists them. */
export const EXIT = { ok: 0, bug: 1, refused: 2, timedOut: 3 } as const;

/**
 * Fails a pair over to its recovery region: triggers the failover at Aiven,
 * waits for the recovery service to take over, makes Terraform forget what it
 * must no longer manage, records the `failed-over` phase and resynthesizes so
 * the next plan changes nothing. Each step checks what it expects first, so a
 * rerun after any interruption resumes without triggering twice.
 */
export async function failover(options: FailoverOptions, deps: FailoverDeps): Promise<FailoverResult> {
  const { reporter, client, projectDir, env } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const files = settingsFiles(projectDir, env);

  // 1. Resolve the pair from its synthesized stack.
  reporter.step("resolve", `reading stack "${options.stack}" from the synthesized config`);
  const { stack, phases } = resolveStack(projectDir, options.stack, env, files);
  const pair = stack.pair;
  const { primary, recovery } = pair;
  reporter.info(`project ${pair.project}: primary ${primary.serviceName} (${primary.cloudName}) → recovery ${recovery.serviceName} (${recovery.cloudName})`);
  const current = phases.phaseOf(options.stack);
  const transition = checkTransition(current, "failover");
  if (transition.kind === "refused") throw new UserError(`Stack "${options.stack}": ${transition.reason}`);
  if (transition.kind === "resume") reporter.info(`the phase file already records "failed-over"; finishing anything left undone`);

  const runId = randomUUID();
  const journal = new Journal(projectDir, options.stack, "failover", runId, !options.dryRun);
  journal.append("started", { options: { ...options } });

  // 2. Preflight: where do both peers stand?
  reporter.step("preflight", "reading both peers from the Aiven API");
  const [recoveryStatus, primaryStatus] = await Promise.all([
    readPeerOrExplain(client, pair.project, recovery.serviceName),
    readPeerOrExplain(client, pair.project, primary.serviceName),
  ]);
  reporter.info(describePeer(`recovery ${recovery.serviceName}`, recoveryStatus), { peer: "recovery", ...peerData(recoveryStatus) });
  reporter.info(describePeer(`primary ${primary.serviceName}`, primaryStatus), { peer: "primary", ...peerData(primaryStatus) });
  const earlierTrigger = journal.sinceLastCompletion("trigger-sent");
  const needTrigger = decideTrigger(options, pair, recoveryStatus, primaryStatus, !!earlierTrigger, reporter);

  // 3. Confirm.
  const forget = [pair.integration.address, ...(options.primaryUnreachable ? [primary.address] : [])];
  if (!options.dryRun && !options.yes) {
    if (!deps.confirm) {
      throw new UserError("No terminal to confirm on; rerun with --yes to fail over without the prompt.");
    }
    const what = needTrigger ? `fail ${primary.serviceName} over to ${recovery.serviceName}` : `reconcile Terraform for ${options.stack}`;
    const ok = await deps.confirm(`This will ${what}. Type the primary's name (${primary.serviceName}) to go on: `, primary.serviceName);
    if (!ok) throw new UserError("Confirmation did not match the primary's service name; nothing was changed.");
  }

  // 4. Trigger.
  if (needTrigger) {
    reporter.step("trigger", `PUT /v1/project/${pair.project}/service/${primary.serviceName} {"disaster_recovery_role":"failed"}`);
    if (options.dryRun) {
      reporter.command(`PUT ${client.baseUrl}/v1/project/${pair.project}/service/${primary.serviceName} {"disaster_recovery_role":"failed"}`, { dryRun: true });
    } else {
      await trigger(client, pair, journal, reporter);
    }
  } else {
    reporter.step("trigger", earlierTrigger || options.stateOnly ? "skipped: the failover was already triggered" : "skipped: Aiven already shows the failover");
  }

  // 5. Wait for the recovery service to take over.
  if (!options.dryRun) {
    reporter.step("wait", `until ${recovery.serviceName} is RUNNING/active and ${primary.serviceName} is failed`);
    await waitForTakeover(client, pair, options, reporter, sleep);
    journal.append("takeover-confirmed");
  } else {
    reporter.step("wait", `would poll both peers every ${options.pollIntervalMs} ms, for up to ${options.timeoutMs} ms`);
  }

  // 6. Reconcile Terraform state.
  reporter.step("reconcile", `making Terraform forget ${forget.join(" and ")}`);
  const terraform = new TerraformCli({ cwd: stack.workingDirectory, env });
  let removed: string[] = [];
  let backup: string | undefined;
  let primaryInState = true;
  if (options.dryRun) {
    reporter.command(`(cd ${path.relative(projectDir, stack.workingDirectory) || "."} && ${terraform.describe(terraform.initArgs())})`);
    reporter.command(`${terraform.describe(["state", "pull"])} > ${path.join(WORK_DIR, "backups", `${options.stack}-<timestamp>.tfstate`)}`);
    reporter.command(terraform.describe(terraform.stateRmArgs(forget)) + "   (only addresses that state list shows)");
  } else {
    const init = await terraform.initBackend();
    if (!init.providersInstalled) reporter.warn("terraform init could not install providers (registry unreachable?); the backend is initialized, which is all the state commands need");
    const inState = await terraform.stateList();
    primaryInState = inState.includes(primary.address);
    const targets = forget.filter((a) => inState.includes(a));
    for (const skipped of forget.filter((a) => !inState.includes(a))) reporter.info(`${skipped} is not in state; nothing to remove`);
    if (targets.length) {
      backup = await backupState(terraform, projectDir, options.stack);
      reporter.info(`state backed up to ${path.relative(projectDir, backup)}`);
      reporter.command(terraform.describe(terraform.stateRmArgs(targets)));
      await terraform.stateRm(targets);
      removed = targets;
      journal.append("state-removed", { addresses: targets, backup });
    }
    primaryInState = primaryInState && !removed.includes(primary.address);
  }

  // 7. Record the phase and resynthesize.
  // A primary Terraform no longer holds must not be declared again: the next
  // plan would create a new service under its name.
  const disposition: PrimaryDisposition =
    options.primaryUnreachable || !primaryInState || (current.phase === "failed-over" && current.primary === "forgotten") ? "forgotten" : "frozen";
  const record: FailedOverPhase = {
    phase: "failed-over",
    primary: disposition,
    since: current.phase === "failed-over" && current.since ? current.since : new Date().toISOString(),
    operation: "failover",
    runId: current.phase === "failed-over" && current.runId ? current.runId : runId,
  };
  reporter.step("record", `phase "failed-over" with the primary ${disposition}, in ${path.relative(projectDir, phases.file)}`);
  if (!options.dryRun) {
    phases.with(options.stack, record).save();
    journal.append("phase-recorded", { record });
    synthesize(projectDir, env);
    verifySynthesized(SynthesizedStack.load(readCdktfConfig(projectDir).outdir, options.stack), disposition);
    reporter.info("resynthesized: no integration, and the primary " + (disposition === "forgotten" ? "no longer declared" : "frozen (ignore_changes = all, prevent_destroy)"));
    journal.append("completed");
  }

  // 8. Summarize.
  const phaseFile = path.relative(projectDir, phases.file);
  reporter.done(
    options.dryRun
      ? "Dry run: nothing was changed."
      : [
          `${options.stack} is failed over: ${recovery.serviceName} is active.`,
          `Commit ${phaseFile} and open a pull request; its plan should show no changes (only forgets).`,
          `Once ${primary.cloudName} is back, fail back with the revert procedure.`,
        ].join("\n  "),
    { stack: options.stack, triggered: needTrigger && !options.dryRun, removed, primary: disposition, phaseFile, backup },
  );
  return { stack: options.stack, triggered: needTrigger && !options.dryRun, removedFromState: removed, primary: disposition, phaseFile, backup, dryRun: options.dryRun };
}

async function readPeerOrExplain(client: AivenClient, project: string, service: string): Promise<PeerStatus> {
  try {
    return await readPeer(client, project, service);
  } catch (err) {
    if (err instanceof AivenApiError && err.isAuthFailure) {
      throw new UserError(`The Aiven API refused the token (${err.message}); set AIVEN_TOKEN to a valid token for project "${project}".`);
    }
    if (err instanceof AivenApiError && err.isNotFound) {
      throw new UserError(`Aiven has no service "${service}" in project "${project}" (${err.message}); check the project setting and the pair's names in main.ts.`);
    }
    throw err;
  }
}

function peerData(status: PeerStatus): Record<string, unknown> {
  return status.reachable
    ? { reachable: true, state: status.service.state, role: status.service.disaster_recovery_role ?? null }
    : { reachable: false, error: status.error.message };
}

/** Decides whether the trigger must be sent, refusing unsafe situations. */
function decideTrigger(
  options: FailoverOptions,
  pair: PairManifest,
  recovery: PeerStatus,
  primary: PeerStatus,
  triggeredBefore: boolean,
  reporter: Reporter,
): boolean {
  const rec = pair.recovery.serviceName;
  const pri = pair.primary.serviceName;
  const primaryFailed = isRole(primary, undefined, "failed");
  if (!recovery.reachable) {
    if (!options.force) {
      throw new UserError(`The recovery service ${rec} cannot be read (${recovery.error.message}); failing over to a peer nobody can see is unsafe. Retry later, or pass --force to go ahead blind.`);
    }
    reporter.warn(`--force: going on although ${rec} cannot be read`);
    return !primaryFailed && !triggeredBefore && !options.stateOnly;
  }
  const role = recovery.service.disaster_recovery_role;
  const state = recovery.service.state;
  if (role === undefined) throw new UserError(`${rec} has no disaster_recovery_role, so it is not a CRDR recovery service; check the pair's names in main.ts.`);
  if (role === "failed") throw new UserError(`${rec} is failed; only a primary can be failed, so the pair is not in a state failover can act on. Check it in the Aiven Console.`);

  if (role === "active") {
    if (primaryFailed || triggeredBefore || (options.stateOnly && !primary.reachable)) return false;
    const where = primary.reachable ? `${primary.service.state}/${primary.service.disaster_recovery_role}` : "unreachable";
    throw new UserError(
      `${rec} is already active but the primary ${pri} is ${where}, which looks like a switchover, not a failover; check the pair with the status command` +
        (primary.reachable ? "." : ", or pass --state-only if the failover was done in the Console or CLI."),
    );
  }
  // role === "passive"
  if (primaryFailed) return false; // triggered; the promotion is under way
  if (options.stateOnly) {
    throw new UserError(`--state-only expects the failover to be done already, but ${rec} is still passive; run without --state-only to trigger it.`);
  }
  if (triggeredBefore) {
    reporter.info("the journal shows the trigger was sent by an earlier run; not sending it again");
    return false;
  }
  if (state !== "RUNNING") {
    if (!options.force) {
      throw new UserError(`The recovery service ${rec} is ${state}, not RUNNING: it may not hold all of the primary's data, so failing over now can lose data. Wait until it is RUNNING, or pass --force to accept the loss.`);
    }
    reporter.warn(`--force: failing over to ${rec} while it is ${state}; data not yet copied to it is lost`);
  }
  return true;
}

async function trigger(client: AivenClient, pair: PairManifest, journal: Journal, reporter: Reporter): Promise<void> {
  const body = { disaster_recovery_role: "failed" };
  const attempts = 4;
  for (let attempt = 1; ; attempt++) {
    journal.append("trigger-requested", { attempt });
    try {
      await client.updateService(pair.project, pair.primary.serviceName, body);
      journal.append("trigger-sent");
      reporter.info("Aiven accepted the failover");
      return;
    } catch (err) {
      if (!(err instanceof AivenApiError) || !err.isUnavailable || attempt >= attempts) {
        throw new UserError(
          `Aiven did not accept the failover (${(err as Error).message}); nothing changed in Terraform. Rerun the same command to retry: it checks first whether the failover went through.`,
          EXIT.refused,
        );
      }
      // The request may have gone through before the connection failed: look
      // before sending it again.
      const now = await readPeer(client, pair.project, pair.primary.serviceName).catch(() => undefined);
      if (now && isRole(now, undefined, "failed")) {
        journal.append("trigger-sent", { confirmedBy: "read-back" });
        reporter.info("the failover went through although the answer was lost");
        return;
      }
      reporter.warn(`attempt ${attempt} failed (${err.message}); trying again`);
    }
  }
}

async function waitForTakeover(
  client: AivenClient,
  pair: PairManifest,
  options: FailoverOptions,
  reporter: Reporter,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const started = Date.now();
  let last = "";
  for (;;) {
    const [recovery, primary] = await Promise.all([
      readPeer(client, pair.project, pair.recovery.serviceName),
      readPeer(client, pair.project, pair.primary.serviceName),
    ]);
    const elapsed = Math.round((Date.now() - started) / 1000);
    const line = `${describePeer(pair.recovery.serviceName, recovery)}; ${describePeer(pair.primary.serviceName, primary)}`;
    if (line !== last) {
      reporter.progress(`${elapsed}s: ${line}`, { elapsedSeconds: elapsed, recovery: peerData(recovery), primary: peerData(primary) });
      last = line;
    }
    const takenOver = isRole(recovery, "RUNNING", "active");
    // An unreachable primary cannot confirm its role; Aiven accepted the
    // trigger, and the recovery being active is the takeover that matters.
    if (takenOver && (isRole(primary, undefined, "failed") || !primary.reachable)) return;
    if (Date.now() - started >= options.timeoutMs) {
      throw new UserError(
        `Timed out after ${elapsed}s waiting for the takeover (${line}). The failover was triggered and will not be sent again; rerun the same command to resume waiting and reconcile Terraform.`,
        EXIT.timedOut,
      );
    }
    await sleep(options.pollIntervalMs);
  }
}

async function backupState(terraform: TerraformCli, projectDir: string, stack: string): Promise<string> {
  const dir = path.join(projectDir, WORK_DIR, "backups");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stack}-${new Date().toISOString().replace(/[:.]/g, "-")}.tfstate`);
  // State holds service passwords: readable by the owner only.
  fs.writeFileSync(file, await terraform.statePull(), { mode: 0o600 });
  return file;
}

function verifySynthesized(stack: SynthesizedStack, disposition: PrimaryDisposition): void {
  const problems: string[] = [];
  if (stack.resource(stack.pair.integration.address)) problems.push(`${stack.pair.integration.address} is still declared`);
  const primary = stack.resource(stack.pair.primary.address);
  if (disposition === "forgotten" && primary) problems.push(`${stack.pair.primary.address} is still declared`);
  if (disposition === "frozen" && (primary?.lifecycle?.ignore_changes !== "all" || primary?.lifecycle?.prevent_destroy !== true)) {
    problems.push(`${stack.pair.primary.address} is not frozen`);
  }
  if (problems.length) {
    throw new Error(`The resynthesized stack ${stack.file} is not what the failed-over phase must produce: ${problems.join("; ")}.`);
  }
}
