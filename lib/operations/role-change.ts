import { AivenApiError } from "../aiven/aiven-api-error";
import { DrRole } from "../aiven/aiven-types";
import { UserError } from "../user-error";
import { EXIT, OperationContext, peerData } from "./operation-context";
import { describePeer, isRole, PeerStatus, readPeer } from "./peer-status";

export type Side = "primary" | "recovery";

/**
 * PUTs a disaster_recovery_role on one peer. After a lost answer (timeout,
 * dropped connection) it reads the peer back before sending again, because
 * the change may have gone through.
 */
export async function requestRole(ctx: OperationContext, side: Side, role: DrRole): Promise<void> {
  const service = ctx.pair[side].serviceName;
  const body = { disaster_recovery_role: role };
  const call = `PUT /v1/project/${ctx.pair.project}/service/${service} ${JSON.stringify(body)}`;
  ctx.reporter.step("request", call);
  if (ctx.options.dryRun) {
    ctx.reporter.command(`PUT ${ctx.client.baseUrl}/v1/project/${ctx.pair.project}/service/${service} ${JSON.stringify(body)}`, { dryRun: true });
    return;
  }
  const attempts = 4;
  for (let attempt = 1; ; attempt++) {
    ctx.journal.append("role-requested", { side, role, attempt });
    try {
      await ctx.client.updateService(ctx.pair.project, service, body);
      ctx.journal.append("role-sent", { side, role });
      ctx.reporter.info(`Aiven accepted ${service} → ${role}`);
      return;
    } catch (err) {
      if (!(err instanceof AivenApiError) || !err.isUnavailable || attempt >= attempts) {
        throw new UserError(
          `Aiven did not accept ${service} → ${role} (${(err as Error).message}); nothing changed in Terraform. Rerun the same command to retry: it checks first whether the change went through.`,
          EXIT.refused,
        );
      }
      const now = await readPeer(ctx.client, ctx.pair.project, service).catch(() => undefined);
      if (now && isRole(now, undefined, role)) {
        ctx.journal.append("role-sent", { side, role, confirmedBy: "read-back" });
        ctx.reporter.info(`the change went through although the answer was lost`);
        return;
      }
      ctx.reporter.warn(`attempt ${attempt} failed (${err.message}); trying again`);
    }
  }
}

export interface Peers {
  readonly primary: PeerStatus;
  readonly recovery: PeerStatus;
}

/**
 * Polls both peers until `done` holds, printing each change; times out with
 * where each peer stands. `goal` reads after "until" and "waiting for".
 */
export async function waitForPeers(ctx: OperationContext, goal: string, done: (peers: Peers) => boolean): Promise<Peers> {
  ctx.reporter.step("wait", `until ${goal}`);
  if (ctx.options.dryRun) {
    ctx.reporter.info(`would poll both peers every ${ctx.options.pollIntervalMs} ms, for up to ${ctx.options.timeoutMs} ms`);
    return ctx.readPeers();
  }
  const started = Date.now();
  let last = "";
  for (;;) {
    const peers = await ctx.readPeers();
    const elapsed = Math.round((Date.now() - started) / 1000);
    const line = `${describePeer(ctx.pair.recovery.serviceName, peers.recovery)}; ${describePeer(ctx.pair.primary.serviceName, peers.primary)}`;
    if (line !== last) {
      ctx.reporter.progress(`${elapsed}s: ${line}`, { elapsedSeconds: elapsed, recovery: peerData(peers.recovery), primary: peerData(peers.primary) });
      last = line;
    }
    if (done(peers)) return peers;
    if (Date.now() - started >= ctx.options.timeoutMs) {
      throw new UserError(
        `Timed out after ${elapsed}s waiting for ${goal} (${line}). What was requested will not be sent again; rerun the same command to resume.`,
        EXIT.timedOut,
      );
    }
    await ctx.sleep(ctx.options.pollIntervalMs);
  }
}

export function roleOf(status: PeerStatus): string | undefined {
  return status.reachable ? status.service.disaster_recovery_role : undefined;
}

export function stateOf(status: PeerStatus): string | undefined {
  return status.reachable ? status.service.state : undefined;
}
