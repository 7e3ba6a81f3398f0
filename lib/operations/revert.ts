import { findDrIntegration } from "../aiven/aiven-types";
import { NormalPhase, PendingImport } from "../phase";
import { UserError } from "../user-error";
import { CommonOptions, OperationContext, OperationDeps } from "./operation-context";
import { isRole } from "./peer-status";
import { Peers, requestRole, roleOf, stateOf, waitForPeers } from "./role-change";

export type RevertOptions = CommonOptions;

export interface RevertResult {
  readonly stack: string;
  readonly requested: Array<"passive" | "active">;
  readonly pendingImports: readonly PendingImport[];
}

/**
 * Fails a pair back to its primary region, as Aiven's "revert to the primary
 * region" procedure does: recreate the primary as passive, wait for it to
 * finish rebuilding, make it active again, then bring Terraform back in line
 * without re-creating anything that exists (import blocks for the forgotten
 * primary and for the integration Aiven kept).
 */
export async function revert(options: RevertOptions, deps: OperationDeps): Promise<RevertResult> {
  const ctx = OperationContext.open("revert", options, deps);
  const { pair, reporter } = ctx;
  const pri = pair.primary.serviceName;
  const rec = pair.recovery.serviceName;
  const requested: Array<"passive" | "active"> = [];

  reporter.step("preflight", "reading both peers from the Aiven API");
  let peers = await ctx.readPeers();
  ctx.reportPeers(peers);
  const backAtAiven = isRole(peers.primary, "RUNNING", "active") && isRole(peers.recovery, undefined, "passive");
  if (!backAtAiven) {
    if (!peers.recovery.reachable || !peers.primary.reachable) {
      throw new UserError(`Both peers must answer before failing back (${!peers.primary.reachable ? pri : rec} cannot be read); retry once the primary region is reachable.`);
    }
    const recoveryLeads = isRole(peers.recovery, "RUNNING", "active");
    if (!recoveryLeads) {
      throw new UserError(`Failing back needs ${rec} RUNNING/active, but it is ${stateOf(peers.recovery)}/${roleOf(peers.recovery)}; check the pair with npm run status.`);
    }
    await ctx.confirm(`recreate ${pri} in ${pair.primary.cloudName} and make it active again`);

    // Step 1: recreate the primary as a passive copy of the recovery service.
    if (roleOf(peers.primary) === "failed") {
      await requestRole(ctx, "primary", "passive");
      requested.push("passive");
    } else {
      reporter.step("recreate", `skipped: ${pri} is already ${stateOf(peers.primary)}/${roleOf(peers.primary)}`);
    }
    if (roleOf(peers.primary) !== "active" && !options.dryRun) {
      peers = await waitForPeers(ctx, `${pri} has rebuilt: RUNNING/passive`, (p) => isRole(p.primary, "RUNNING", "passive") || isRole(p.primary, undefined, "active"));
    }

    // Step 2: the primary takes over again.
    if (roleOf(peers.primary) !== "active") {
      await requestRole(ctx, "primary", "active");
      requested.push("active");
    }
  } else {
    reporter.step("failback", "skipped: Aiven already shows the primary active and the recovery passive");
  }
  await waitForPeers(ctx, `the failback: ${pri} RUNNING/active, ${rec} RUNNING/passive`, (p: Peers) =>
    isRole(p.primary, "RUNNING", "active") && isRole(p.recovery, "RUNNING", "passive"),
  );
  ctx.journal.append("failback-confirmed");

  // Terraform: import what exists instead of creating it again.
  reporter.step("reconcile", "finding what Terraform must import rather than create");
  const pendingImports = await importsNeeded(ctx);
  for (const i of pendingImports) reporter.info(`import ${i.address} from ${i.id}`);
  if (!pendingImports.length) reporter.info("nothing to import: state already holds every resource Aiven has");

  const record: NormalPhase = {
    phase: "normal",
    since: new Date().toISOString(),
    operation: "revert",
    runId: ctx.runId,
    ...(pendingImports.length ? { pendingImports } : {}),
  };
  const stack = ctx.recordPhase(record);
  if (stack) {
    const declared = ((stack.json.import ?? []) as Array<{ to: string; id: string }>).map((i) => `${i.to}=${i.id}`);
    const expected = pendingImports.map((i) => `${i.address}=${i.id}`);
    if (JSON.stringify(declared) !== JSON.stringify(expected)) throw new Error(`The resynthesized stack declares imports ${declared.join(", ")} instead of ${expected.join(", ")}.`);
    ctx.journal.append("completed");
  }

  reporter.done(
    options.dryRun
      ? "Dry run: nothing was changed."
      : [
          `${options.stack} is failed back: ${pri} is active in ${pair.primary.cloudName}, ${rec} passive.`,
          `Commit ${ctx.phaseFileRelative()} and open a pull request; its plan should show ${pendingImports.length ? `${pendingImports.length} import(s) and ` : ""}nothing to add, change or destroy.`,
          pendingImports.length ? `After the apply, run this command again to clear the pending imports from the phase file.` : "",
        ]
          .filter(Boolean)
          .join("\n  "),
    { stack: options.stack, requested, pendingImports },
  );
  return { stack: options.stack, requested, pendingImports };
}

/**
 * The imports the normal phase needs: the primary if state no longer holds
 * it, and the DR integration Aiven holds if state does not. Imports already
 * applied (present in state) are dropped, which is how a rerun clears them.
 */
async function importsNeeded(ctx: OperationContext): Promise<PendingImport[]> {
  const { pair } = ctx;
  const terraform = ctx.terraform();
  if (ctx.options.dryRun) {
    ctx.reporter.command(terraform.describe(["state", "list"]));
    ctx.reporter.command(`GET ${ctx.client.baseUrl}/v1/project/${pair.project}/service/${pair.primary.serviceName}/integration`);
    return [];
  }
  await ctx.initBackend(terraform);
  const inState = await terraform.stateList();
  const imports: PendingImport[] = [];
  if (!inState.includes(pair.primary.address)) {
    imports.push({ address: pair.primary.address, id: `${pair.project}/${pair.primary.serviceName}` });
  }
  if (!inState.includes(pair.integration.address)) {
    const integrations = await ctx.client.listServiceIntegrations(pair.project, pair.primary.serviceName);
    const dr = findDrIntegration({ service_integrations: integrations }, pair.primary.serviceName, pair.recovery.serviceName);
    if (dr) {
      imports.push({ address: pair.integration.address, id: `${pair.project}/${dr.service_integration_id}` });
    } else {
      ctx.reporter.warn(`Aiven holds no disaster_recovery integration from ${pair.primary.serviceName} to ${pair.recovery.serviceName}; the next apply creates it`);
    }
  }
  return imports;
}
