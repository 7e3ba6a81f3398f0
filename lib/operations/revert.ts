import { findDrLink } from "../aiven/dr-link";
import { NormalPhase, PendingImport } from "../phase/phase-record";
import { targetPhase } from "../phase/phase-transitions";
import { UserError } from "../user-error";
import { OperationContext } from "./operation-context";
import { CommonOptions, OperationDeps } from "./operation-inputs";
import { isRole, isSteady, Peers, roleOf, whereIs } from "../aiven/peer-status";
import { waitForPeers, waitForPhase } from "./peer-wait";
import { requestRole } from "./role-request";
import { confirmedEvent } from "./journal";

export type RevertOptions = CommonOptions;

export interface RevertResult {
  readonly stack: string;
  readonly requested: Array<"passive" | "active">;
  readonly pendingImports: readonly PendingImport[];
}

/**
 * Reverts a pair to its primary region, as Aiven's "revert to the primary
 * region" procedure does: recreate the primary as passive, wait for it to
 * finish rebuilding, make it active again, then bring Terraform back in line
 * without re-creating anything that exists (import blocks for the forgotten
 * primary and for the integration Aiven kept).
 */
export function revert(options: RevertOptions, deps: OperationDeps): Promise<RevertResult> {
  return OperationContext.run("revert", options, deps, (ctx) => revertPair(ctx, options));
}

async function revertPair(ctx: OperationContext, options: RevertOptions): Promise<RevertResult> {
  const { pair, reporter } = ctx;
  const pri = pair.primary.serviceName;
  const rec = pair.recovery.serviceName;
  const requested: Array<"passive" | "active"> = [];

  let { peers } = await ctx.readPeersAndProveCanFinish();
  const backAtAiven = isRole(peers.primary, "RUNNING", "active") && isRole(peers.recovery, undefined, "passive");
  if (!backAtAiven) {
    if (!peers.recovery.reachable || !peers.primary.reachable) {
      throw new UserError(
        `Both peers must answer before reverting (${!peers.primary.reachable ? pri : rec} cannot be read); retry once the primary region is reachable.`,
      );
    }
    const recoveryLeads = isRole(peers.recovery, undefined, "active");
    const primaryMovingIn = isRole(peers.primary, undefined, "passive") || isRole(peers.primary, undefined, "active");
    if (!recoveryLeads && !primaryMovingIn) {
      throw new UserError(
        `Reverting needs ${rec} RUNNING/active, but it is ${whereIs(peers.recovery)}; check the pair with npm run status.`,
      );
    }
    await ctx.confirm(`recreate ${pri} in ${pair.primary.cloudName} and make it active again`);

    // Step 1: recreate the primary as a passive copy of the recovery service.
    const recreate = stepOne(ctx, peers);
    if (recreate.send) {
      await requestRole(ctx.pairRun, { side: "primary", role: "passive" }, peers);
      requested.push("passive");
    } else {
      ctx.step("recreate", `skipped: ${recreate.reason}`);
    }
    if (!options.dryRun) ctx.markChangedAtAiven(`Aiven has begun recreating ${pri} as a passive copy of ${rec}`);
    if (roleOf(peers.primary) !== "active" && !options.dryRun) {
      peers = await waitForPeers(
        ctx.pairRun,
        `${pri} has rebuilt: RUNNING/passive`,
        (p) =>
          (isRole(p.primary, "RUNNING", "passive") && isSteady(p.recovery)) || isRole(p.primary, undefined, "active"),
      );
    }

    // Step 2: the primary takes over again.
    const takeOver = stepTwo(ctx, peers);
    if (takeOver.send) {
      await requestRole(ctx.pairRun, { side: "primary", role: "active" }, peers);
      requested.push("active");
    } else {
      ctx.step("take-over", `skipped: ${takeOver.reason}`);
    }
    if (!options.dryRun) ctx.markChangedAtAiven(`Aiven has made ${pri} active again`);
  } else {
    ctx.step("revert", "skipped: Aiven already shows the primary active and the recovery passive");
  }
  ctx.roleChangesSent();
  await waitForPhase(ctx.pairRun, targetPhase("revert"), "the revert");
  ctx.recovered();
  ctx.markChangedAtAiven(`Aiven has reverted the pair: ${pri} is active again and ${rec} passive`);
  ctx.journal.append(confirmedEvent("revert"));

  // Terraform: import what exists instead of creating it again.
  ctx.step("reconcile", "finding what Terraform must import rather than create");
  const pendingImports = await importsNeeded(ctx);
  for (const i of pendingImports) reporter.info(`import ${i.address} from ${i.id}`);
  if (!pendingImports.length) reporter.info("nothing to import: state already holds every resource Aiven has");

  await ctx.recordPhase(
    ctx.nextRecord<NormalPhase>({ phase: targetPhase("revert"), ...(pendingImports.length ? { pendingImports } : {}) }),
  );
  ctx.complete();

  ctx.done(
    options.dryRun
      ? "Dry run: nothing was changed."
      : [
          `${options.stack} is reverted: ${pri} is active in ${pair.primary.cloudName}, ${rec} passive.`,
          `Commit ${ctx.phaseFileRelative()} and open a pull request; its plan should show ${pendingImports.length ? `${pendingImports.length} import(s) and ` : ""}nothing to add, change or destroy.`,
          pendingImports.length
            ? `After the apply, run this command again to clear the pending imports from the phase file.`
            : "",
        ]
          .filter(Boolean)
          .join("\n  "),
    { stack: options.stack, requested, pendingImports },
  );
  return { stack: options.stack, requested, pendingImports };
}

type Decision = { send: true } | { send: false; reason: string };

/** Step 1 is sent only to a failed primary at rest, and only if no run of this revert saw Aiven take it. */
function stepOne(ctx: OperationContext, peers: Peers): Decision {
  const pri = ctx.pair.primary.serviceName;
  if (ctx.journal.applied("primary", "passive")) return { send: false, reason: "the journal shows Aiven took it" };
  if (roleOf(peers.primary) !== "failed") return { send: false, reason: `${pri} is already ${whereIs(peers.primary)}` };
  if (!isSteady(peers.primary) || !isSteady(peers.recovery))
    return { send: false, reason: `${pri} is ${whereIs(peers.primary)}: a change is under way; waiting for it` };
  return { send: true };
}

/** Step 2 is sent only when the rebuilt primary and the active recovery are both at rest. */
function stepTwo(ctx: OperationContext, peers: Peers): Decision {
  const pri = ctx.pair.primary.serviceName;
  if (ctx.journal.applied("primary", "active")) return { send: false, reason: "the journal shows Aiven took it" };
  if (roleOf(peers.primary) === "active") return { send: false, reason: `${pri} is already ${whereIs(peers.primary)}` };
  if (!isRole(peers.primary, "RUNNING", "passive") || !isRole(peers.recovery, "RUNNING", "active")) {
    return {
      send: false,
      reason: `${pri} is ${whereIs(peers.primary)} and ${ctx.pair.recovery.serviceName} ${whereIs(peers.recovery)}: a change is under way; waiting for it`,
    };
  }
  return { send: true };
}

/**
 * The imports the normal phase needs: the primary if state no longer holds
 * it, and the DR integration Aiven holds if state does not. Imports already
 * applied (present in state) are dropped, which is how a rerun clears them.
 */
async function importsNeeded(ctx: OperationContext): Promise<PendingImport[]> {
  const { pair } = ctx;
  const terraform = ctx.terraform.runner;
  if (ctx.options.dryRun) {
    ctx.reporter.command(terraform.describe(["state", "list"]));
    ctx.reporter.command(
      `GET ${ctx.client.baseUrl}/v1/project/${pair.project}/service/${pair.primary.serviceName}/integration`,
    );
    return [];
  }
  const inState = await (await ctx.terraform.initBackend()).stateList();
  const imports: PendingImport[] = [];
  if (!inState.includes(pair.primary.address)) {
    imports.push({ address: pair.primary.address, id: `${pair.project}/${pair.primary.serviceName}` });
  }
  if (!inState.includes(pair.integration.address)) {
    const integrations = await ctx.client.listServiceIntegrations(pair.project, pair.primary.serviceName);
    const dr = findDrLink(integrations, pair);
    if (dr) {
      imports.push({ address: pair.integration.address, id: `${pair.project}/${dr.service_integration_id}` });
      if (dr.source_service !== pair.primary.serviceName) {
        ctx.reporter.warn(
          `Aiven holds the DR link as ${dr.source_service} → ${dr.dest_service}, the other way round from the config; its source and destination are ForceNew, so review the plan for a replacement before applying`,
        );
      }
    } else {
      ctx.reporter.warn(
        `Aiven holds no disaster_recovery integration between ${pair.primary.serviceName} and ${pair.recovery.serviceName}; the next apply creates it`,
      );
    }
  }
  return imports;
}
