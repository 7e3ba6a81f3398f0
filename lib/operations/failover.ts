import * as path from "path";
import { FailedOverPhase, PrimaryDisposition } from "../phase/phase-record";
import { targetPhase } from "../phase/phase-transitions";
import { UserError } from "../user-error";
import { stateInPrimaryRegion } from "../synth/state-location";
import { backUpBeforeWrite } from "./backup-before-write";
import { confirmedEvent } from "./journal";
import { OperationContext } from "./operation-context";
import { CommonOptions, OperationDeps } from "./operation-inputs";
import { isRole, isSteady, Peers, whereIs } from "../aiven/peer-status";
import { waitForPhase } from "./peer-wait";
import { requestRole } from "./role-request";
import { removeFromStateCheckingBack } from "../terraform/state-write-check";
import { summarizeState } from "../terraform/state-backup";
import { checkDataLossBeforeFailover, DataLossOptions, measureRecoveryEarly } from "./replication-check";

export interface FailoverOptions extends CommonOptions, DataLossOptions {
  /** Also forget the primary in Terraform state, because its region is unreachable. */
  readonly primaryUnreachable: boolean;
  /** The failover already happened (Console or CLI): verify and reconcile only. */
  readonly stateOnly: boolean;
  /** Fail over even when the recovery service is not a healthy passive peer. */
  readonly force: boolean;
}

export interface FailoverResult {
  readonly stack: string;
  readonly triggered: boolean;
  readonly removedFromState: string[];
  readonly primary: PrimaryDisposition;
  readonly backup?: string;
  readonly dryRun: boolean;
}

/**
 * Fails a pair over to its recovery region: triggers the failover at Aiven,
 * waits for the recovery service to take over, makes Terraform forget what it
 * must no longer manage, records the `failed-over` phase and resynthesizes so
 * the next plan changes nothing. Everything after the trigger is proven
 * possible before it; each step checks what it expects first, so a rerun
 * after any interruption resumes without triggering twice.
 */
export function failover(options: FailoverOptions, deps: OperationDeps): Promise<FailoverResult> {
  return OperationContext.run("failover", options, deps, (ctx) => failOver(ctx, options));
}

async function failOver(ctx: OperationContext, options: FailoverOptions): Promise<FailoverResult> {
  const { pair, reporter } = ctx;
  const { primary, recovery } = pair;
  const failedOver = `Aiven has failed ${primary.serviceName} over to ${recovery.serviceName}`;

  const forget = [pair.integration.address, ...(options.primaryUnreachable ? [primary.address] : [])];
  // Before the preflight: when that region is down, this is why the preflight cannot reach the state.
  const stateWarning = stateInPrimaryRegion(ctx.stack);
  if (stateWarning) reporter.warn(`STATE IN THE FAILING REGION: ${stateWarning}`);
  // The reads and the Terraform checks need nothing of each other: side by
  // side, the trigger leaves as soon as the slower is done. A single pair's
  // standby replication is read as soon as the peers show where it is,
  // beside the checks too (a refusal comes once every one has finished). A
  // region run's pairs read theirs after their checks, paced by the
  // terraform slots: all at once, a hundred standbys' names were looked up
  // together, and the lookups (which share node's small thread pool with
  // file I/O) held every pair back for seconds at a 200-pair bench.
  const readEarly = ctx.deps.turn === undefined;
  const { peers, alongside: replication } = await ctx.readPeersAndProveCanFinish(forget, (read) =>
    Promise.resolve(readEarly ? measureRecoveryEarly(ctx.pairRun, read) : undefined),
  );
  const trigger = decideTrigger(ctx, options, peers);
  if (trigger.kind === "send") await checkDataLossBeforeFailover(ctx.pairRun, peers, options, replication);
  await ctx.confirm(
    trigger.kind === "send"
      ? `fail ${primary.serviceName} over to ${recovery.serviceName}`
      : `reconcile Terraform for ${options.stack}`,
  );

  if (trigger.kind === "send") {
    await requestRole(ctx.pairRun, { side: "primary", role: "failed" }, peers);
    ctx.markChangedAtAiven(failedOver);
  } else {
    ctx.step("trigger", `skipped: ${trigger.reason}`);
    if (trigger.kind === "done") ctx.markChangedAtAiven(failedOver);
  }
  ctx.roleChangesSent();

  // An unreachable primary cannot confirm its role; Aiven accepted the
  // trigger, and the recovery being active is the takeover that matters.
  await waitForPhase(ctx.pairRun, targetPhase("failover"), "the takeover");
  ctx.recovered();
  ctx.markChangedAtAiven(failedOver);
  ctx.journal.append(confirmedEvent("failover"));

  const reconciled = await forgetInState(ctx, forget);

  // A primary Terraform no longer holds must not be declared again: the next
  // plan would create a new service under its name.
  const current = ctx.current;
  const wasForgotten = current.phase === "failed-over" && current.primary === "forgotten";
  const disposition: PrimaryDisposition =
    options.primaryUnreachable || !reconciled.primaryInState || wasForgotten ? "forgotten" : "frozen";
  if (disposition === "forgotten" && !options.primaryUnreachable && !options.dryRun) {
    reporter.info(
      wasForgotten
        ? `the primary stays forgotten, as the earlier run recorded`
        : `Terraform state holds no ${primary.address}, so the primary is recorded as forgotten (declaring it again would plan a new service under its name)`,
    );
  }
  await ctx.recordPhase(ctx.nextRecord<FailedOverPhase>({ phase: targetPhase("failover"), primary: disposition }));
  if (!options.dryRun) {
    reporter.info(
      `no integration declared, and the primary ${disposition === "forgotten" ? "no longer declared" : "frozen (ignore_changes = all, prevent_destroy)"}`,
    );
    ctx.complete();
  }

  const triggered = trigger.kind === "send" && !options.dryRun;
  ctx.done(
    options.dryRun
      ? "Dry run: nothing was changed."
      : [
          `${options.stack} is failed over: ${recovery.serviceName} is active.`,
          `Commit ${ctx.phaseFileRelative()} and open a pull request; its plan should show no changes (only forgets). While ${primary.cloudName} is unreachable, plan with -refresh=false: removed blocks still refresh.`,
          `Once ${primary.cloudName} is back, revert with: npm run revert -- --stack ${options.stack}`,
        ].join("\n  "),
    {
      stack: options.stack,
      triggered,
      removed: reconciled.removed,
      primary: disposition,
      phaseFile: ctx.phaseFileRelative(),
      backup: reconciled.backup,
    },
  );
  return {
    stack: options.stack,
    triggered,
    removedFromState: reconciled.removed,
    primary: disposition,
    backup: reconciled.backup,
    dryRun: options.dryRun,
  };
}

/**
 * Whether to send the trigger: `send`; `done` when Aiven (or the journal)
 * shows it was sent; `under-way` when the pair is visibly in a transition
 * someone else may have started, which is waited for, never sent into.
 * Unsafe situations are refused.
 */
type Trigger = { kind: "send" } | { kind: "done"; reason: string } | { kind: "under-way"; reason: string };

function decideTrigger(ctx: OperationContext, options: FailoverOptions, peers: Peers): Trigger {
  const rec = ctx.pair.recovery.serviceName;
  const pri = ctx.pair.primary.serviceName;
  const { recovery, primary } = peers;
  const primaryFailed = isRole(primary, undefined, "failed");
  const journaled = ctx.journal.applied("primary", "failed");
  const done = (reason: string): Trigger => ({ kind: "done", reason });
  if (journaled)
    ctx.reporter.info(
      `the journal shows Aiven took the trigger, requested at ${ctx.journal.requestedAt(journaled)}; it is not sent again`,
    );

  if (!recovery.reachable) {
    if (!options.force) {
      throw new UserError(
        `The recovery service ${rec} cannot be read (${recovery.error.message}); failing over to a peer nobody can see is unsafe. Retry later, or pass --force to go ahead blind.`,
      );
    }
    ctx.reporter.warn(`--force: going on although ${rec} cannot be read`);
    if (primaryFailed || journaled) return done("Aiven already shows the failover");
    return options.stateOnly ? done("--state-only") : { kind: "send" };
  }
  const role = recovery.service.disaster_recovery_role;
  const state = recovery.service.state;
  if (role === undefined)
    throw new UserError(
      `${rec} has no disaster_recovery_role, so it is not a CRDR recovery service; check the pair's names in main.ts.`,
    );
  if (role === "failed")
    throw new UserError(
      `${rec} is failed; only a primary can be failed, so the pair is not in a state failover can act on. Check it in the Aiven Console.`,
    );

  if (role === "active") {
    if (primaryFailed) return done("Aiven already shows the failover");
    if (journaled) return done("the failover was already triggered");
    if (options.stateOnly && !primary.reachable) return done("--state-only, and the recovery service is active");
    throw new UserError(
      `${rec} is already active but the primary ${pri} is ${whereIs(primary)}, which looks like a switchover, not a failover; check the pair with npm run status` +
        (primary.reachable ? "." : ", or pass --state-only if the failover was done in the Console or CLI."),
    );
  }
  // The recovery service is passive.
  if (primaryFailed) return done("Aiven already shows the failover; the promotion is under way");
  if (options.stateOnly) {
    throw new UserError(
      `--state-only expects the failover to be done already, but ${rec} is still passive; run without --state-only to trigger it.`,
    );
  }
  if (journaled) return done("the failover was already triggered");
  // A primary leaving RUNNING/active, or a recovery REBALANCING, is a role
  // change under way (a REBUILDING recovery is still copying: refused below).
  const moving = !isSteady(primary) ? "primary" : state === "REBALANCING" ? "recovery" : undefined;
  if (moving && !options.force) {
    ctx.reporter.warn(
      `${ctx.pair[moving].serviceName} is ${whereIs(peers[moving])}: a change is under way at Aiven, perhaps this failover started by someone else; waiting for it instead of sending. If nobody started one, rerun with --force once this times out.`,
    );
    return { kind: "under-way", reason: `${ctx.pair[moving].serviceName} is already in transition` };
  }
  if (state !== "RUNNING") {
    if (!options.force) {
      throw new UserError(
        `The recovery service ${rec} is ${state}, not RUNNING: it may not hold all of the primary's data, so failing over now can lose data. Wait until it is RUNNING, or pass --force to accept the loss.`,
      );
    }
    ctx.reporter.warn(`--force: failing over to ${rec} while it is ${state}; data not yet copied to it is lost`);
  }
  return { kind: "send" };
}

/**
 * Makes Terraform forget `addresses` (those state holds), after backing the
 * state up. Provider download may fail here (registries unreachable in an
 * outage); the state commands need only the backend.
 */
async function forgetInState(
  ctx: OperationContext,
  addresses: string[],
): Promise<{ removed: string[]; backup?: string; primaryInState: boolean }> {
  const { reporter, pair, deps } = ctx;
  ctx.step("reconcile", `making Terraform forget ${addresses.join(" and ")}`);
  const terraform = ctx.terraform.runner;
  if (ctx.options.dryRun) {
    reporter.command(
      `(cd ${path.relative(deps.projectDir, terraform.cwd) || "."} && ${terraform.describe(terraform.initArgs())})   (unless the backend is already initialized)`,
    );
    reporter.command(
      `${terraform.describe(["state", "pull"])} > .crdr/backups/${ctx.options.stack}-<time>.tfstate   (the backup, before anything is removed)`,
    );
    reporter.command(
      terraform.describe(terraform.stateRmArgs(addresses)) + "   (only addresses the pulled state holds)",
    );
    return { removed: [], primaryInState: true };
  }
  await ctx.terraform.initBackend();
  // One read of the state answers what it holds and, kept, is the backup:
  // nothing runs between it and the removal, so the backup is the state as
  // it was right before the write (a process fewer than a list, then a pull).
  const pulled = await terraform.statePull();
  const inState = addressesInPulledState(pulled, ctx.options.stack);
  const targets = addresses.filter((a) => inState.includes(a));
  for (const skipped of addresses.filter((a) => !inState.includes(a)))
    reporter.info(`${skipped} is not in state; nothing to remove`);
  let backup: string | undefined;
  if (targets.length) {
    // No backup, no removal: terraform keeps none of remote state itself.
    backup = path.relative(deps.projectDir, (await backUpBeforeWrite(ctx.pairRun, pulled, deps.projectDir)).file);
    reporter.command(terraform.describe(terraform.stateRmArgs(targets)));
    await removeFromStateCheckingBack(terraform, targets, (warning) => reporter.warn(warning));
    ctx.journal.append("state-removed", { addresses: targets, backup });
  }
  return {
    removed: targets,
    backup,
    primaryInState: inState.includes(pair.primary.address) && !targets.includes(pair.primary.address),
  };
}

/** The addresses a pulled state holds, as `terraform state list` prints them; none when the backend holds no state. */
function addressesInPulledState(pulled: string, stack: string): string[] {
  if (!pulled.trim()) return [];
  const summary = summarizeState(pulled);
  if (!summary)
    throw new UserError(
      `What terraform state pull returned for ${stack} is not a Terraform state, so nothing was removed from it; check the backend settings, then rerun.`,
    );
  return summary.resources;
}
