import { findDrLink } from "../aiven/dr-link";
import { PeerSide } from "../contract/pair-manifest";
import { PhaseRecord } from "../phase/phase-record";
import { targetPhase } from "../phase/phase-transitions";
import { UserError } from "../user-error";
import { OperationContext } from "./operation-context";
import { CommonOptions, OperationDeps } from "./operation-inputs";
import { isRole, takeoverUnderWay, whereIs } from "../aiven/peer-status";
import { waitForPhase } from "./peer-wait";
import { requestRole } from "./role-request";
import { confirmedEvent } from "./journal";
import { checkCaughtUpBeforeSwitch } from "./replication-check";

export type PlannedSwitchOptions = CommonOptions;

interface Direction {
  readonly operation: "switchover" | "switchback";
  /** The peer that becomes active. */
  readonly promote: PeerSide;
  readonly demote: PeerSide;
}

const DIRECTIONS: Record<"switchover" | "switchback", Direction> = {
  switchover: { operation: "switchover", promote: "recovery", demote: "primary" },
  switchback: { operation: "switchback", promote: "primary", demote: "recovery" },
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
export function plannedSwitch(
  which: "switchover" | "switchback",
  options: PlannedSwitchOptions,
  deps: OperationDeps,
): Promise<PlannedSwitchResult> {
  return OperationContext.run(which, options, deps, (ctx) => switchRoles(ctx, DIRECTIONS[which], options));
}

async function switchRoles(
  ctx: OperationContext,
  direction: Direction,
  options: PlannedSwitchOptions,
): Promise<PlannedSwitchResult> {
  const which = direction.operation;
  const { pair } = ctx;
  const up = pair[direction.promote].serviceName;
  const down = pair[direction.demote].serviceName;
  const switched = `Aiven has made ${up} active and ${down} passive`;

  const { peers } = await ctx.readPeersAndProveCanFinish();
  let requested = false;
  const alreadyThere =
    isRole(peers[direction.promote], undefined, "active") && isRole(peers[direction.demote], undefined, "passive");
  const journaled = ctx.journal.applied(direction.promote, "active");
  if (alreadyThere || journaled) {
    ctx.step(
      which,
      `skipped: ${alreadyThere ? `Aiven already shows ${up} active and ${down} passive` : "the journal shows Aiven took it"}`,
    );
    ctx.markChangedAtAiven(switched);
  } else if (takeoverUnderWay(peers)) {
    const moving = takeoverUnderWay(peers)!;
    ctx.step(
      which,
      `skipped: ${pair[moving].serviceName} is ${whereIs(peers[moving])}, a change under way at Aiven (perhaps this ${which}, started elsewhere); waiting for it instead of sending`,
    );
  } else {
    const healthy =
      isRole(peers[direction.demote], "RUNNING", "active") && isRole(peers[direction.promote], "RUNNING", "passive");
    if (!healthy) {
      throw new UserError(
        `A ${which} needs ${down} RUNNING/active and ${up} RUNNING/passive, but they are ${whereIs(peers[direction.demote])} and ${whereIs(peers[direction.promote])}; wait for both to be RUNNING, or use failover if a region is down.`,
      );
    }
    const integrations = [peers.primary, peers.recovery].flatMap((p) =>
      p.reachable ? (p.service.service_integrations ?? []) : [],
    );
    const link = findDrLink(integrations, pair);
    if (!link || !link.active || !link.enabled) {
      throw new UserError(
        `The disaster_recovery integration between ${pair.primary.serviceName} and ${pair.recovery.serviceName} is ${link ? "not active" : "missing"} at Aiven; a ${which} without a working DR link would lose data. Check it with npm run status.`,
      );
    }
    await checkCaughtUpBeforeSwitch(ctx.pairRun, peers, direction.promote);
    await ctx.confirm(`make ${up} active and ${down} passive`);
    await requestRole(ctx.pairRun, { side: direction.promote, role: "active" }, peers);
    ctx.markChangedAtAiven(switched);
    requested = !options.dryRun;
  }
  ctx.roleChangesSent();
  await waitForPhase(ctx.pairRun, targetPhase(which), `the ${which}`);
  ctx.recovered();
  ctx.markChangedAtAiven(switched);
  ctx.journal.append(confirmedEvent(which));

  const pendingImports = await ctx.remainingImports();
  const record = ctx.nextRecord<PhaseRecord>({
    phase: targetPhase(which),
    ...(pendingImports.length ? { pendingImports } : {}),
  });
  await ctx.recordPhase(record);
  ctx.complete();
  const planNote = pendingImports.length
    ? `its plan should show the ${pendingImports.length} pending import(s) and nothing to add, change or destroy`
    : "its plan should show no changes";
  ctx.done(
    options.dryRun
      ? "Dry run: nothing was changed."
      : `${options.stack}: ${up} is active, ${down} passive; the DR link was kept. Commit ${ctx.phaseFileRelative()}; ${planNote}.`,
    { stack: options.stack, requested, phase: record.phase },
  );
  return { stack: options.stack, requested, phase: record.phase };
}
