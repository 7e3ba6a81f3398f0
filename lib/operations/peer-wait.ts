import { formatDuration } from "../duration";
import { EXIT } from "../exit-codes";
import { UserError } from "../user-error";
import { ROLE_EVENTS } from "./journal";
import { OperationContext, peerData } from "./operation-context";
import { describeExpected, describePeer, Peers, showsExpected } from "../aiven/peer-status";
import { EXPECTED_ROLES } from "../phase/expected-roles";
import { PhaseName } from "../phase/phase-record";

/**
 * Polls both peers until `done` holds, printing each change; times out with
 * where each peer stands. `goal` reads after "until" and "waiting for".
 */
export async function waitForPeers(ctx: OperationContext, goal: string, done: (peers: Peers) => boolean): Promise<Peers> {
  ctx.step("wait", `until ${goal}`);
  if (ctx.options.dryRun) {
    ctx.reporter.info(`would poll both peers every ${formatDuration(ctx.options.pollIntervalMs)}, for up to ${formatDuration(ctx.options.timeoutMs)}`);
    return ctx.readPeers();
  }
  const started = Date.now();
  let last = "";
  for (;;) {
    const peers = await ctx.readPeersQuietly({ tokenRefusalEnds: true });
    const elapsed = Math.round((Date.now() - started) / 1000);
    const line = `${describePeer(ctx.pair.recovery.serviceName, peers.recovery)}; ${describePeer(ctx.pair.primary.serviceName, peers.primary)}`;
    if (line !== last) {
      ctx.reporter.progress(`${elapsed}s: ${line}`, { elapsedSeconds: elapsed, recovery: peerData(peers.recovery), primary: peerData(peers.primary) });
      last = line;
    }
    if (done(peers)) return peers;
    if (Date.now() - started >= ctx.options.timeoutMs) {
      const sentSomething = ctx.journal.episode().some((e) => e.event === ROLE_EVENTS.applied);
      const next = sentSomething
        ? `What was requested will not be sent again; rerun the same command (\`${ctx.rerunCommand}\`) to resume.`
        : `This run sent nothing: it found a change under way and waited for it. Rerun the same command to keep waiting${ctx.operation === "failover" ? ", or, if nobody started this change, rerun with --force" : ""}.`;
      throw new UserError(`Timed out after ${formatDuration(Date.now() - started)} waiting for ${goal} (${line}). ${next}`, EXIT.timedOut);
    }
    await ctx.sleep(ctx.options.pollIntervalMs);
  }
}

/** Waits until Aiven shows what `phase` expects of both peers; `label` names the change ("the takeover"). */
export function waitForPhase(ctx: OperationContext, phase: PhaseName, label: string): Promise<Peers> {
  const expected = EXPECTED_ROLES[phase];
  const names = { primary: ctx.pair.primary.serviceName, recovery: ctx.pair.recovery.serviceName };
  return waitForPeers(ctx, `${label}: ${describeExpected(names, expected)}`, (peers) => showsExpected(peers, expected));
}
