import { formatDuration } from "../duration";
import { EXIT } from "../exit-codes";
import { UserError } from "../user-error";
import { ROLE_EVENTS } from "./journal";
import { AcceptanceWatch } from "./accepted-without-effect";
import { PairRun } from "./pair-run";
import { describeExpected, describePeer, peerData, Peers, showsExpected } from "../aiven/peer-status";
import { EXPECTED_ROLES } from "../contract/expected-roles";
import { PhaseName } from "../phase/phase-record";

/**
 * How often a wait says where it stands when nothing changes (at most 30 s:
 * an engineer must see the command is alive). `CRDR_HEARTBEAT_MS` shortens it
 * for tests.
 */
const HEARTBEAT_MS = Math.min(30_000, Number(process.env.CRDR_HEARTBEAT_MS) || 30_000);

/**
 * Polls both peers until `done` holds, printing each change and a heartbeat
 * at least every 30 s with the time waited so far; times out with
 * where each peer stands. `goal` reads after "until" and "waiting for".
 */
export async function waitForPeers(ctx: PairRun, goal: string, done: (peers: Peers) => boolean): Promise<Peers> {
  ctx.step("wait", `until ${goal}`);
  if (ctx.options.dryRun) {
    const askedAt = Date.now();
    const peers = await ctx.peers.read();
    if (!done(peers)) sayWhatAWaitForAnAcceptedChangeDoes(ctx, peers, askedAt);
    ctx.reporter.info(
      `would poll both peers every ${formatDuration(ctx.options.pollIntervalMs)}, for up to ${formatDuration(ctx.options.timeoutMs)}`,
    );
    return peers;
  }
  const started = Date.now();
  const acceptance = new AcceptanceWatch(ctx);
  let last = "";
  let shownAt = 0;
  let askedAt = Date.now();
  let peers = await ctx.peers.readQuietly({ tokenRefusalEnds: true });
  let nextPoll = Date.now() + ctx.options.pollIntervalMs;
  for (;;) {
    const now = Date.now();
    const elapsedMs = now - started;
    const line = `${describePeer(ctx.pair.recovery.serviceName, peers.recovery)}; ${describePeer(ctx.pair.primary.serviceName, peers.primary)}`;
    // Each change, and a heartbeat while nothing changes: a revert can wait for hours.
    if (line !== last || now - shownAt >= HEARTBEAT_MS) {
      const elapsedSeconds = Math.round(elapsedMs / 1000);
      ctx.reporter.progress(`${formatDuration(elapsedMs)}: ${line}`, {
        elapsedSeconds,
        elapsed: formatDuration(elapsedMs),
        recovery: peerData(peers.recovery),
        primary: peerData(peers.primary),
      });
      last = line;
      shownAt = now;
    }
    if (done(peers)) return peers;
    acceptance.check(peers, askedAt);
    if (elapsedMs >= ctx.options.timeoutMs) {
      const sentSomething = ctx.journal.episode().some((e) => e.event === ROLE_EVENTS.applied);
      const next = sentSomething
        ? `What was requested will not be sent again; rerun the same command (\`${ctx.rerunCommand}\`) to resume.`
        : `This run sent nothing: it found a change under way and waited for it. Rerun the same command to keep waiting${ctx.operation === "failover" ? ", or, if nobody started this change, rerun with --force" : ""}.`;
      throw new UserError(
        `Timed out after ${formatDuration(elapsedMs)} waiting for ${goal} (${line}). ${next}`,
        EXIT.timedOut,
      );
    }
    // Wakes for the next poll or the next heartbeat, whichever comes first.
    await ctx.sleep(Math.max(0, Math.min(nextPoll, shownAt + HEARTBEAT_MS) - Date.now()));
    if (Date.now() >= nextPoll) {
      askedAt = Date.now();
      peers = await ctx.peers.readQuietly({ tokenRefusalEnds: true });
      nextPoll = Date.now() + ctx.options.pollIntervalMs;
    }
  }
}

/**
 * A dry run in front of a change Aiven accepted and shows nothing of: a real
 * run waits for it until the grace period after the acceptance ends, then
 * stops (exit 3) without claiming it. Past that, the dry run stops there too,
 * as the real run would, instead of describing steps it would not reach.
 */
function sayWhatAWaitForAnAcceptedChangeDoes(ctx: PairRun, peers: Peers, askedAt: number): void {
  const watch = new AcceptanceWatch(ctx, true);
  const pending = watch.notShownIn(peers);
  if (!pending) return;
  try {
    watch.check(peers, askedAt);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(
      `Dry run, nothing was sent or changed; a real run would stop here: ${err.message}`,
      err.exitCode,
    );
  }
  const until = new Date(Date.parse(pending.at) + ctx.options.lostAnswerGraceMs).toISOString();
  ctx.reporter.info(
    `Aiven accepted ${pending.service} → ${pending.role} at ${pending.at} and shows nothing of it yet: a real run would wait for it, and stop (exit 3, claiming nothing) if both peers still read as before at ${until}; the steps below follow only once it shows`,
  );
}

/** Waits until Aiven shows what `phase` expects of both peers; `label` names the change ("the takeover"). */
export function waitForPhase(ctx: PairRun, phase: PhaseName, label: string): Promise<Peers> {
  const expected = EXPECTED_ROLES[phase];
  const names = { primary: ctx.pair.primary.serviceName, recovery: ctx.pair.recovery.serviceName };
  return waitForPeers(ctx, `${label}: ${describeExpected(names, expected)}`, (peers) => showsExpected(peers, expected));
}
