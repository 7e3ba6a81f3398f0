import { AivenApiError } from "../aiven/aiven-api-error";
import { DrRole } from "../contract/dr-roles";
import { classifyWriteFailure } from "../aiven/write-outcome";
import { PeerSide } from "../contract/pair-manifest";
import { UserError } from "../user-error";
import { formatDuration } from "../duration";
import { EXIT } from "../exit-codes";
import { JournalEntry, ROLE_EVENTS, UNRESOLVED_SEND_LIMIT } from "./journal";
import { PairRun } from "./pair-run";
import { Peers, PeerStatus } from "../aiven/peer-status";
import { rateLimitWaitMs } from "../aiven/rate-limit-backoff";

/** A peer as far as the role-change discipline compares it: readable or not, state and role. */
export interface PeerSnapshot {
  readonly reachable: boolean;
  readonly notFound?: boolean;
  readonly state?: string;
  readonly role?: string;
}

export interface PairSnapshot {
  readonly primary: PeerSnapshot;
  readonly recovery: PeerSnapshot;
}

export interface RoleChange {
  readonly side: PeerSide;
  readonly role: DrRole;
}

/** The other peer of a pair. */
export function otherSide(side: PeerSide): PeerSide {
  return side === "primary" ? "recovery" : "primary";
}

/**
 * The roles a role change leaves both peers in: a takeover demotes the other
 * peer to passive; failing or recreating the primary leaves the recovery
 * active.
 */
export function targetRoles(change: RoleChange): Record<PeerSide, DrRole> {
  const other: DrRole = change.role === "active" ? "passive" : "active";
  return change.side === "primary"
    ? { primary: change.role, recovery: other }
    : { primary: other, recovery: change.role };
}

export function snapshot(peers: Peers): PairSnapshot {
  const one = (p: PeerStatus): PeerSnapshot =>
    p.reachable
      ? { reachable: true, state: p.service.state, role: p.service.disaster_recovery_role }
      : { reachable: false, ...(p.error.isNotFound ? { notFound: true } : {}) };
  return { primary: one(peers.primary), recovery: one(peers.recovery) };
}

/**
 * What in `now` shows that `change` was applied since `before`: the target
 * role on the changed peer, a role that moved on either peer, a peer that
 * entered a transitional state (REBALANCING, REBUILDING, POWEROFF), or the
 * changed peer disappearing. A peer settling back to RUNNING is no sign.
 */
export function signOfChange(
  before: PairSnapshot,
  now: PairSnapshot,
  change: RoleChange,
  names: Record<PeerSide, string>,
): string | undefined {
  const target = now[change.side];
  if (target.reachable && target.role === change.role) return `${names[change.side]} is now ${change.role}`;
  for (const side of ["primary", "recovery"] as const) {
    const b = before[side];
    const n = now[side];
    if (b.reachable && !n.reachable && n.notFound && side === change.side) return `${names[side]} is no longer listed`;
    if (!b.reachable || !n.reachable) continue;
    if (n.role !== b.role) return `${names[side]} went from ${b.role} to ${n.role}`;
    if (n.state !== b.state && n.state !== "RUNNING") return `${names[side]} went from ${b.state} to ${n.state}`;
  }
  return undefined;
}

/**
 * What in `now` no run of `change` can show: a peer at a role that is
 * neither its role in `before` nor the one this change leaves it in (a
 * failover's failed primary is not a switchover's passive one). Another
 * change moved the pair; undefined when nothing contradicts this one.
 */
export function otherChangeIn(
  before: PairSnapshot,
  now: PairSnapshot,
  change: RoleChange,
  names: Record<PeerSide, string>,
): string | undefined {
  const target = targetRoles(change);
  for (const side of ["primary", "recovery"] as const) {
    const b = before[side];
    const n = now[side];
    if (!b.reachable || !n.reachable || n.role === b.role || n.role === target[side]) continue;
    return `${names[side]} went from ${b.role} to ${n.role ?? "no DR role"}, where this change leaves it ${target[side]}`;
  }
  return undefined;
}

/** Whether every peer readable in `before` reads the same in `now`: nothing happened. */
function unchanged(before: PairSnapshot, now: PairSnapshot): boolean {
  return (["primary", "recovery"] as const).every(
    (side) =>
      !before[side].reachable ||
      (now[side].reachable && now[side].state === before[side].state && now[side].role === before[side].role),
  );
}

/** Whether a peer readable in both shows another role in `now` than in `before`. */
function rolesMoved(before: PairSnapshot, now: PairSnapshot): boolean {
  return (["primary", "recovery"] as const).some(
    (side) => before[side].reachable && now[side].reachable && now[side].role !== before[side].role,
  );
}

/** Whether every peer readable in `before` can be read in `now` too. */
function readableAsBefore(before: PairSnapshot, now: PairSnapshot): boolean {
  return (["primary", "recovery"] as const).every((side) => !before[side].reachable || now[side].reachable);
}

type Resolution =
  | { kind: "applied"; sign: string }
  | { kind: "not-applied" }
  | { kind: "other-change"; seen: string }
  | { kind: "unknown"; last: string; readableAsBefore: boolean };

/**
 * Finds out by reading whether a request whose answer was lost took effect:
 * polls both peers for the grace period, and any sign of the transition
 * means it did, unless a peer shows a role this change cannot give it (then
 * another change moved the pair). Only peers exactly as they were, to the
 * end, mean it did not:
 * the last read is one asked after the grace period, however slowly it is
 * answered.
 */
async function resolveByReading(ctx: PairRun, before: PairSnapshot, change: RoleChange): Promise<Resolution> {
  const names = { primary: ctx.pair.primary.serviceName, recovery: ctx.pair.recovery.serviceName };
  const deadline = Date.now() + ctx.options.lostAnswerGraceMs;
  let goneAlready = false;
  // A peer entering a transition, with no role moved yet: any change starts
  // so. It is this one's sign unless the roles then move another way.
  let transitionSeen: string | undefined;
  for (;;) {
    // What a read shows is the pair when it was asked, not when it answered:
    // only a read asked once the grace period is over may end it.
    const askedAt = Date.now();
    const now = snapshot(await ctx.peers.readQuietly());
    // Movement this change cannot make is someone else's, not a sign of it.
    const seen = otherChangeIn(before, now, change, names);
    if (seen) return { kind: "other-change", seen };
    const sign = signOfChange(before, now, change, names);
    // The changed peer no longer listed counts once a second read says so
    // too: one 404 may be a proxy's or a load balancer's, not Aiven's.
    const gone = !now[change.side].reachable && !!now[change.side].notFound;
    if (sign && gone && goneAlready) return { kind: "applied", sign };
    const reached = now[change.side].reachable && now[change.side].role === change.role;
    if (sign && !gone && (reached || rolesMoved(before, now))) return { kind: "applied", sign };
    if (sign && !gone) transitionSeen ??= sign;
    goneAlready = gone;
    const last = describeSnapshot(now, names);
    if (askedAt >= deadline) {
      if (transitionSeen) return { kind: "applied", sign: transitionSeen };
      return unchanged(before, now)
        ? { kind: "not-applied" }
        : { kind: "unknown", last, readableAsBefore: readableAsBefore(before, now) };
    }
    await ctx.sleep(Math.min(ctx.options.pollIntervalMs, Math.max(50, deadline - Date.now())));
  }
}

function describeSnapshot(s: PairSnapshot, names: Record<PeerSide, string>): string {
  return (["recovery", "primary"] as const)
    .map(
      (side) =>
        `${names[side]}: ${s[side].reachable ? `${s[side].state}/${s[side].role ?? "no DR role"}` : "unreadable"}`,
    )
    .join("; ");
}

/**
 * Sends a role change to Aiven exactly once.
 *
 * The intent is journaled (and flushed) before the request leaves. The PUT
 * is never retried by the HTTP layer. A refusal (4xx, or nothing sent) is
 * reported with nothing changed. A lost answer (timeout, broken connection,
 * 5xx from a gateway) is resolved by reading both peers for the grace period:
 * any sign of the transition means Aiven applied it; only peers exactly as
 * they were, to the end of the grace period, allow one more request, and the
 * run says so.
 */
export async function requestRole(ctx: PairRun, change: RoleChange, before: Peers): Promise<void> {
  const { side, role } = change;
  const service = ctx.pair[side].serviceName;
  const body = { disaster_recovery_role: role };
  const call = `PUT /v1/project/${ctx.pair.project}/service/${service} ${JSON.stringify(body)}`;
  // In a region run, pairs of earlier tiers send first; the pair is read
  // again after the wait (stillDue, below).
  await ctx.awaitRoleChangeTurn();
  ctx.step("request", call);
  if (ctx.options.dryRun) {
    ctx.reporter.command(
      `PUT ${ctx.client.baseUrl}/v1/project/${ctx.pair.project}/service/${service} ${JSON.stringify(body)}`,
      { dryRun: true },
    );
    return;
  }
  const grace = formatDuration(ctx.options.lostAnswerGraceMs);
  let baseline = await stillDue(ctx, snapshot(before), change, call);
  if (!baseline) return;
  // Requests earlier runs (from any checkout here) sent and never saw applied count against this one's.
  const unresolved = ctx.journal.unresolvedSends(side, role);
  // After a --resend, that one request was the last: a plain rerun sends nothing more while it is unresolved.
  const limit = !ctx.options.resend && ctx.journal.resent(side, role) ? 1 : UNRESOLVED_SEND_LIMIT;
  if (unresolved.length >= limit) throw tooManyUnresolved(ctx, call, unresolved);
  const first = unresolved.length + 1;
  // --resend is one more request, whatever becomes of it.
  const lastAttempt = ctx.options.resend ? first : limit;
  // A 429 says the request was not taken: it costs no attempt, only time.
  const rateLimitedUntil = Date.now() + ctx.options.timeoutMs;
  let rateLimited = 0;
  for (let attempt = first; attempt <= lastAttempt; attempt++) {
    ctx.assertStillLocked();
    ctx.journal.append(ROLE_EVENTS.intent, { side, role, service, attempt, before: baseline }, true);
    try {
      await ctx.client.updateService(ctx.pair.project, service, body);
      ctx.journal.append(ROLE_EVENTS.applied, { side, role, how: "answer" });
      ctx.triggered();
      ctx.reporter.info(`Aiven accepted ${service} → ${role}`);
      return;
    } catch (err) {
      if (!(err instanceof AivenApiError)) throw err;
      if (classifyWriteFailure(err) === "refused") {
        // A 409 is what Aiven answers while a transition is under way, which
        // may be this very change (another operator's identical request, or
        // this one, applied before its answer): only reading tells, so it is
        // journaled once read.
        const conflict = err.status === 409;
        if (!conflict) {
          ctx.journal.append(ROLE_EVENTS.refused, { side, role, status: err.status ?? null, message: err.message });
        }
        if (attempt === first && err.kind === "unreachable") throw ctx.client.unusableApi(err);
        if (attempt === first && err.isAuthFailure) {
          throw new UserError(
            `The Aiven API refused the token for ${call} (${err.message}); set AIVEN_TOKEN to a token that can manage project "${ctx.pair.project}". Nothing was changed.`,
          );
        }
        if (err.status === 429) rateLimited += 1;
        if (err.status === 429 && Date.now() < rateLimitedUntil) {
          const wait = Math.min(
            rateLimitWaitMs(rateLimited, err.retryAfterSeconds),
            Math.max(0, rateLimitedUntil - Date.now()),
          );
          ctx.reporter.warn(
            `Aiven rate-limited the request (${err.message}); it was not taken (${rateLimited} refused so far). Waiting ${formatDuration(wait)}, then checking the pair again before sending it`,
          );
          await ctx.sleep(wait);
          const still = await stillDue(ctx, baseline, change, call);
          if (!still) return;
          baseline = still;
          attempt -= 1;
          continue;
        }
        // A refusal while the pair is moving may mean this very change is
        // under way: sent by another operator, or by our own first, lost
        // request. Read before concluding.
        const now = snapshot(await ctx.peers.readQuietly());
        const moving = signOfChange(baseline, now, change, names(ctx));
        // A second attempt follows a request whose outcome nobody saw (lost,
        // or sent by a run killed before its answer): this one may be
        // refused because that one is under way.
        const earlierUnknown = attempt > 1;
        if (moving || earlierUnknown || conflict) {
          const why = moving
            ? ` while ${moving}`
            : earlierUnknown
              ? " while a first request's outcome is unknown"
              : ", which it answers while a transition is under way (perhaps this very one)";
          ctx.reporter.warn(`Aiven refused ${call} (${err.message})${why}; reading both peers for up to ${grace}`);
          // Through the whole grace period: a read path may lag the change.
          const resolution = await resolveByReading(ctx, baseline, change);
          if (resolution.kind === "applied") {
            ctx.journal.append(ROLE_EVENTS.applied, { side, role, how: "read-back", sign: resolution.sign });
            ctx.triggered();
            ctx.reporter.info(`the change is under way at Aiven (${resolution.sign}); not sending it again`);
            return;
          }
          if (earlierUnknown) {
            // Counted like a lost answer: reruns must not send one more each.
            ctx.journal.append(ROLE_EVENTS.lapsed, { side, role });
            throw new UserError(
              `Aiven refused ${call} (${err.message}) after an earlier request of this run or another run; that earlier request may still have been applied. Rerun the same command: it reads both peers first and sends nothing until it knows.`,
              EXIT.timedOut,
            );
          }
          // A 409 with no sign of this change still counts against the
          // limit: a read path lagging longer than the grace could hide it,
          // and reruns must not send one more each.
          if (conflict) ctx.journal.append(ROLE_EVENTS.lapsed, { side, role });
          if (resolution.kind === "other-change") {
            throw new UserError(
              `Aiven refused ${service} → ${role} (${err.message}) while another change is under way at Aiven, not this one (${resolution.seen}): that request is taken as not applied, and nothing else was done. Check the pair with npm run status before trying again.`,
            );
          }
          // A peer that could be read before and not now hides whether this
          // change is the transition Aiven named.
          if (resolution.kind === "unknown" && !resolution.readableAsBefore) {
            throw new UserError(
              `Aiven refused ${call} (${err.message}), and for ${grace} the peers did not show whether this change is under way (${resolution.last}). Rerun the same command: it reads both peers first, sends nothing if they show this change, and sends it at most once more.`,
              EXIT.timedOut,
            );
          }
          // Both read at the end, with no sign of this change.
          throw new UserError(
            `Aiven refused ${service} → ${role} (${err.message}), and neither peer showed any sign of it for ${grace}: it is taken as not applied, and nothing else was done. Check the pair with npm run status before trying again; a rerun sends it at most once more.`,
          );
        }
        if (err.status === 429) {
          throw new UserError(
            `Aiven rate-limited ${call} ${rateLimited} times in a row, for longer than --timeout, and never took it; nothing was changed. Something else may be spending the token's limit: find it, then rerun.`,
          );
        }
        throw new UserError(
          `Aiven refused ${service} → ${role} (${err.message}); that request changed nothing, and nothing else was done. Check the pair with npm run status before trying again.`,
        );
      }
      ctx.journal.append(ROLE_EVENTS.ambiguous, { side, role, error: err.message });
      ctx.reporter.warn(
        `no clear answer to ${call} (${err.message}): Aiven may have applied it. Reading both peers for up to ${grace} instead of sending it again`,
      );
      const resolution = await resolveByReading(ctx, baseline, change);
      if (resolution.kind === "applied") {
        ctx.journal.append(ROLE_EVENTS.applied, { side, role, how: "read-back", sign: resolution.sign });
        ctx.triggered();
        ctx.reporter.info(`Aiven applied it although the answer was lost (${resolution.sign}); not sending it again`);
        return;
      }
      if (resolution.kind === "unknown") {
        throw new UserError(
          `The answer to ${call} was lost (${err.message}) and for ${grace} the peers did not show whether Aiven applied it (${resolution.last}). Rerun the same command: it reads both peers first and sends nothing until it knows.`,
          EXIT.timedOut,
        );
      }
      ctx.journal.append(ROLE_EVENTS.lapsed, { side, role });
      if (resolution.kind === "other-change") {
        throw new UserError(
          `The answer to ${call} was lost (${err.message}), and meanwhile the pair moved in a way this change cannot (${resolution.seen}): another operator or Aiven itself is acting on it, so it is not sent again. Check the pair with npm run status before trying again.`,
          EXIT.timedOut,
        );
      }
      if (attempt === lastAttempt && ctx.options.resend) {
        throw new UserError(
          `Aiven gave no clear answer to ${call}, resent with --resend, and neither peer showed any change for ${grace}: no sign that it was applied, though Aiven may act later than that. Check the pair with npm run status; a rerun sends nothing more unless you pass --resend again.`,
          EXIT.timedOut,
        );
      }
      if (attempt === UNRESOLVED_SEND_LIMIT) {
        throw new UserError(
          `Aiven gave no clear answer to ${call}${attempt === first ? ", the second request for it (an earlier run sent the first), and again" : " twice, and each time"} neither peer showed any change for ${grace}: no sign that it was applied, though Aiven may act later than that (raise --lost-answer-grace if it is slow). Check the pair with npm run status; a rerun sends nothing more unless you pass --resend.`,
          EXIT.timedOut,
        );
      }
      ctx.reporter.warn(
        `after ${grace} neither peer shows any sign of the change, so Aiven did not apply it; sending it once more (the second and last time)`,
      );
    }
  }
}

/**
 * Refuses a further send once `UNRESOLVED_SEND_LIMIT` requests for the same
 * change went out and Aiven never showed them: with a grace period shorter
 * than Aiven's lag, every rerun would otherwise send two more.
 */
function tooManyUnresolved(ctx: PairRun, call: string, unresolved: readonly JournalEntry[]): UserError {
  return new UserError(
    `Not sending ${call}: ${unresolved.length === 1 ? "1 request for it was" : `${unresolved.length} requests for it were`} already sent (by runs at ${unresolved.map((e) => e.ts).join(", ")}) and neither peer showed any sign of them for ${formatDuration(ctx.options.lostAnswerGraceMs)} each; Aiven may still act on them later. Nothing more was sent. ` +
      `Check the pair with npm run status -- --stack ${ctx.options.stack} (and Aiven's console) in a while: if it shows the change, rerun the same command to finish; if nothing has moved, rerun with --resend (\`${ctx.rerunCommand} --resend\`) to send it once more, or raise --lost-answer-grace if Aiven is slow.`,
    EXIT.timedOut,
  );
}

function names(ctx: PairRun): Record<PeerSide, string> {
  return { primary: ctx.pair.primary.serviceName, recovery: ctx.pair.recovery.serviceName };
}

/**
 * Reads the pair right before a write (minutes may have passed at the prompt
 * or in a rate-limit wait, and another operator may have acted meanwhile).
 * Returns the snapshot to send against; undefined when someone else already
 * made this very change, which is then not sent. Any other movement refuses,
 * with nothing sent.
 */
async function stillDue(
  ctx: PairRun,
  before: PairSnapshot,
  change: RoleChange,
  call: string,
): Promise<PairSnapshot | undefined> {
  const { side, role } = change;
  let now = snapshot(await ctx.peers.readTolerantly());
  if (!signOfChange(before, now, change, names(ctx))) return now;
  // If it is this very change, it shows within the grace period.
  const deadline = Date.now() + ctx.options.lostAnswerGraceMs;
  while (!(now[side].reachable && now[side].role === role) && Date.now() < deadline) {
    await ctx.sleep(Math.min(ctx.options.pollIntervalMs, Math.max(50, deadline - Date.now())));
    now = snapshot(await ctx.peers.readTolerantly());
  }
  const moved = signOfChange(before, now, change, names(ctx));
  if (now[side].reachable && now[side].role === role) {
    // The same change means the same roles on both peers: the other peer at
    // its target role, or still at its old one while the transition runs. A
    // failover's failed primary is not a switchover's passive one.
    const other = otherSide(side);
    const peer = now[other];
    const expected = targetRoles(change)[other];
    if (peer.reachable && peer.role !== expected && peer.role !== before[other].role) {
      throw new UserError(
        `Not sending ${call}: the pair changed since it was read, but not by this change: ${names(ctx)[side]} is now ${now[side].state}/${role} and ${names(ctx)[other]} ${peer.state}/${peer.role ?? "no DR role"}, where this change would leave it ${expected}; another operator or Aiven itself acted on the pair. Check it with npm run status. Nothing was sent.`,
      );
    }
    ctx.journal.append(ROLE_EVENTS.applied, { side, role, how: "already", sign: moved });
    ctx.triggered();
    ctx.reporter.info(`not sent: ${moved} already (someone else made this change)`);
    return undefined;
  }
  throw new UserError(
    `Not sending ${call}: the pair changed since it was read (${moved}), so another operator or Aiven itself is acting on it; check it with npm run status, then rerun. Nothing was sent.`,
  );
}

/**
 * Resolves what an earlier, interrupted run left open: a role change it
 * asked for without learning whether Aiven applied it. Reads, never sends.
 * Afterwards the journal says either applied or lapsed.
 */
export async function resolveOpenIntent(ctx: PairRun): Promise<void> {
  const open: JournalEntry | undefined = ctx.journal.openIntent();
  if (!open || ctx.options.dryRun) return;
  const change = { side: open.side as PeerSide, role: open.role as DrRole };
  const service = ctx.pair[change.side].serviceName;
  ctx.step(
    "recall",
    `a run at ${open.ts} asked Aiven for ${service} → ${change.role} and never learned the outcome; reading both peers (up to ${formatDuration(ctx.options.lostAnswerGraceMs)}) instead of sending it again`,
  );
  const resolution = await resolveByReading(ctx, open.before as PairSnapshot, change);
  if (resolution.kind === "applied") {
    ctx.journal.append(ROLE_EVENTS.applied, {
      side: change.side,
      role: change.role,
      how: "read-back",
      sign: resolution.sign,
      intentRunId: open.runId,
    });
    ctx.reporter.info(`Aiven applied it (${resolution.sign}); it will not be sent again`);
    return;
  }
  if (resolution.kind === "unknown") {
    throw new UserError(
      `An earlier run asked Aiven for ${service} → ${change.role} and the peers still do not show whether it was applied (${resolution.last}); rerun when both can be read. Nothing was sent.`,
      EXIT.timedOut,
    );
  }
  if (resolution.kind === "other-change") {
    ctx.journal.append(ROLE_EVENTS.lapsed, { side: change.side, role: change.role, intentRunId: open.runId });
    ctx.reporter.warn(
      `the pair moved in a way that request cannot (${resolution.seen}): another change is under way at Aiven, and the earlier request is taken as not applied`,
    );
    return;
  }
  ctx.journal.append(ROLE_EVENTS.lapsed, { side: change.side, role: change.role, intentRunId: open.runId });
  ctx.reporter.info(
    `neither peer showed any sign of it for the whole grace: the earlier request is taken as not applied`,
  );
}
