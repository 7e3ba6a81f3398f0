import { findDrIntegration } from "../aiven/aiven-types";
import { PendingImport, PhaseRecord } from "../phase";
import { UserError } from "../user-error";
import { CommonOptions, OperationContext, OperationDeps } from "./operation-context";
import { isRole } from "./peer-status";
import { Peers, requestRole, roleOf, Side, stateOf, waitForPeers } from "./role-change";

export type PlannedSwitchOptions = CommonOptions;

interface Direction {
  readonly operation: "switchover" | "switchback";
  /** The peer that becomes active. */
  readonly promote: Side;
  readonly demote: Side;
  readonly record: (ctx: OperationContext, pendingImports: PendingImport[]) => PhaseRecord;
}

/** Imports a failback left pending stay in the config until state holds them: dropping them would plan a second integration. */
function withImports(pendingImports: PendingImport[]) {
  return pendingImports.length ? { pendingImports } : {};
}

const DIRECTIONS: Record<"switchover" | "switchback", Direction> = {
  switchover: {
    operation: "switchover",
    promote: "recovery",
    demote: "primary",
    record: (ctx, pendingImports) => ({ phase: "switched-over", since: new Date().toISOString(), operation: "switchover", runId: ctx.runId, ...withImports(pendingImports) }),
  },
  switchback: {
    operation: "switchback",
    promote: "primary",
    demote: "recovery",
    record: (ctx, pendingImports) => ({ phase: "normal", since: new Date().toISOString(), operation: "switchback", runId: ctx.runId, ...withImports(pendingImports) }),
  },
};

export interface PlannedSwitchResult {
  readonly stack: string;
  readonly requested: boolean;
  readonly phase: PhaseRecord["phase"];
}

/**
 * A planned, lossless move of the active role through the API: the DR link is
 * kept throughout (Aiven's Terraform route destroys and re-creates it, which
 * leaves a window with no DR link).
 */
export async function plannedSwitch(which: "switchover" | "switchback", options: PlannedSwitchOptions, deps: OperationDeps): Promise<PlannedSwitchResult> {
  const direction = DIRECTIONS[which];
  const ctx = OperationContext.open(which, options, deps);
  const { pair, reporter } = ctx;
  const up = pair[direction.promote].serviceName;
  const down = pair[direction.demote].serviceName;
  const done = (p: Peers) => isRole(p[direction.promote], "RUNNING", "active") && isRole(p[direction.demote], "RUNNING", "passive");

  reporter.step("preflight", "reading both peers and the DR link from the Aiven API");
  const peers = await ctx.readPeers();
  ctx.reportPeers(peers);
  let requested = false;
  const alreadyThere = isRole(peers[direction.promote], undefined, "active") && isRole(peers[direction.demote], undefined, "passive");
  if (alreadyThere) {
    reporter.step(which, `skipped: Aiven already shows ${up} active and ${down} passive`);
  } else {
    const healthy = isRole(peers[direction.demote], "RUNNING", "active") && isRole(peers[direction.promote], "RUNNING", "passive");
    if (!healthy) {
      const show = (s: Side) => (peers[s].reachable ? `${stateOf(peers[s])}/${roleOf(peers[s])}` : "unreachable");
      throw new UserError(`A ${which} needs ${down} RUNNING/active and ${up} RUNNING/passive, but they are ${show(direction.demote)} and ${show(direction.promote)}; wait for both to be RUNNING, or use failover if a region is down.`);
    }
    const service = peers.primary.reachable ? peers.primary.service : undefined;
    const link = service && findDrIntegration(service, pair.primary.serviceName, pair.recovery.serviceName);
    if (!link || !link.active || !link.enabled) {
      throw new UserError(`The disaster_recovery integration between ${pair.primary.serviceName} and ${pair.recovery.serviceName} is ${link ? "not active" : "missing"} at Aiven; a ${which} without a working DR link would lose data. Check it with npm run status.`);
    }
    await ctx.confirm(`make ${up} active and ${down} passive`);
    await requestRole(ctx, direction.promote, "active");
    requested = !options.dryRun;
  }
  await waitForPeers(ctx, `the ${which}: ${up} RUNNING/active, ${down} RUNNING/passive`, done);
  ctx.journal.append(`${which}-confirmed`);

  const record = direction.record(ctx, await ctx.remainingImports());
  ctx.recordPhase(record);
  if (!options.dryRun) ctx.journal.append("completed");
  reporter.done(
    options.dryRun
      ? "Dry run: nothing was changed."
      : `${options.stack}: ${up} is active, ${down} passive; the DR link was kept. Commit ${ctx.phaseFileRelative()}; its plan should show no changes.`,
    { stack: options.stack, requested, phase: record.phase },
  );
  return { stack: options.stack, requested, phase: record.phase };
}
