import { DrRole } from "../contract/dr-roles";
import { Peers } from "../aiven/peer-status";
import { formatDuration } from "../duration";
import { EXIT } from "../exit-codes";
import { PeerSide } from "../contract/pair-manifest";
import { UserError } from "../user-error";
import { JournalEntry, ROLE_EVENTS, UNRESOLVED_SEND_LIMIT } from "./journal";
import { PairRun } from "./pair-run";
import { PairSnapshot, snapshot } from "./role-request";

/**
 * A role change Aiven answered with a 2xx, and the pair as it was right
 * before it was sent. Aiven may take a request and never act on it; only
 * the peers tell.
 */
export interface Acceptance {
  readonly side: PeerSide;
  readonly role: DrRole;
  readonly service: string;
  readonly at: string;
  readonly before: PairSnapshot;
}

/**
 * Said about a request Aiven accepted without acting on it (the peers exactly
 * as before it, past the grace period), and by `--resend`'s refusals about
 * it: the change is not claimed, so the message does not lead with one.
 */
export class AcceptedWithoutEffectError extends UserError {
  constructor(message: string, exitCode: number = EXIT.timedOut) {
    super(message, exitCode);
    this.name = "AcceptedWithoutEffectError";
  }
}

/** The episode's latest role change taken on Aiven's 2xx alone (not yet set aside by `--resend`). */
export function lastAcceptance(entries: readonly JournalEntry[]): Acceptance | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e.event === ROLE_EVENTS.resend) return undefined;
    if (e.event !== ROLE_EVENTS.applied) continue;
    if (e.how !== "answer") return undefined; // a later read showed a change: acted on
    const intent = entries
      .slice(0, i)
      .reverse()
      .find((x) => x.event === ROLE_EVENTS.intent && x.side === e.side && x.role === e.role);
    if (!intent?.before) return undefined;
    return {
      side: e.side as PeerSide,
      role: e.role as DrRole,
      service: String(intent.service),
      at: e.ts,
      before: intent.before as PairSnapshot,
    };
  }
  return undefined;
}

/** Both peers readable and exactly as they were: same state, same role. */
export function exactlyAsBefore(before: PairSnapshot, now: PairSnapshot): boolean {
  return (["primary", "recovery"] as const).every((side) => {
    const b = before[side];
    const n = now[side];
    return b.reachable && n.reachable && b.state === n.state && b.role === n.role;
  });
}

function describe(ctx: PairRun, s: PairSnapshot): string {
  return (["recovery", "primary"] as const)
    .map((side) => `${ctx.pair[side].serviceName} ${s[side].state}/${s[side].role ?? "no DR role"}`)
    .join(", ");
}

/**
 * Watches a wait for an accepted change that never shows: once the grace
 * period after Aiven's 2xx has passed with both peers exactly as they were
 * before the request (and no read in between showed otherwise), the wait
 * ends, saying so plainly instead of claiming the change.
 */
export class AcceptanceWatch {
  private readonly acceptance?: Acceptance;
  private moved = false;

  /** @param dryRunToo a dry run asks too: it says what a real run would do in this state. */
  constructor(
    private readonly ctx: PairRun,
    dryRunToo = false,
  ) {
    this.acceptance = ctx.options.dryRun && !dryRunToo ? undefined : lastAcceptance(ctx.journal.sharedEpisode());
  }

  /** The accepted request the pair shows nothing of yet (both peers exactly as before it), if any. */
  notShownIn(peers: Peers): Acceptance | undefined {
    const acceptance = this.acceptance;
    return acceptance && exactlyAsBefore(acceptance.before, snapshot(peers)) ? acceptance : undefined;
  }

  /**
   * @param askedAt when `peers` were asked for: a read answers for that
   * moment, and only one asked after the grace period can end the wait.
   */
  check(peers: Peers, askedAt: number): void {
    const acceptance = this.acceptance;
    if (!acceptance || this.moved) return;
    const now = snapshot(peers);
    if (!exactlyAsBefore(acceptance.before, now)) {
      // Unreadable peers prove nothing either way; any readable difference is Aiven acting.
      this.moved = (["primary", "recovery"] as const).some(
        (side) =>
          now[side].reachable &&
          (now[side].state !== acceptance.before[side].state || now[side].role !== acceptance.before[side].role),
      );
      return;
    }
    const grace = this.ctx.options.lostAnswerGraceMs;
    if (askedAt - Date.parse(acceptance.at) < grace) return;
    throw new AcceptedWithoutEffectError(
      `Aiven accepted the request ${acceptance.service} → ${acceptance.role} at ${acceptance.at} but nothing has changed since (${describe(this.ctx, now)}, as before the request, for more than ${formatDuration(grace)}); the change is not claimed. ` +
        `Check the pair with npm run status; to send it once more, rerun with --resend (\`${this.ctx.rerunCommand} --resend\`): it reads that nothing moved, then sends it once.`,
    );
  }
}

/**
 * `--resend`: sets aside a role change Aiven accepted but never acted on, so
 * that the operation sends it again, journaled as a new intent. Only when the
 * grace period has passed and both peers read exactly as they did before that
 * request; otherwise it refuses with nothing sent.
 */
export async function prepareResend(ctx: PairRun): Promise<void> {
  if (ctx.options.dryRun) return;
  // The latest role change first: in a revert, an earlier request Aiven acted on is no reason to refuse.
  if (await resendUnresolved(ctx)) return;
  const acceptance = lastAcceptance(ctx.journal.sharedEpisode());
  if (!acceptance) {
    throw new UserError(
      `--resend sends again only a role change Aiven accepted without acting on it, and the journal of this ${ctx.operation} on ${ctx.options.stack} holds none; rerun without --resend. Nothing was sent.`,
    );
  }
  const due = Date.parse(acceptance.at) + ctx.options.lostAnswerGraceMs;
  if (Date.now() < due) {
    throw new AcceptedWithoutEffectError(
      `--resend: Aiven accepted ${acceptance.service} → ${acceptance.role} at ${acceptance.at}, less than the grace period (${formatDuration(ctx.options.lostAnswerGraceMs)}) ago; rerun without --resend to wait for it, or with it after ${new Date(due).toISOString()}. Nothing was sent.`,
      EXIT.refused,
    );
  }
  ctx.step(
    "resend",
    `reading both peers: Aiven accepted ${acceptance.service} → ${acceptance.role} at ${acceptance.at}`,
  );
  const now = snapshot(await ctx.peers.read());
  if (!exactlyAsBefore(acceptance.before, now)) {
    throw new AcceptedWithoutEffectError(
      `--resend: the pair is not exactly as it was before the request Aiven accepted at ${acceptance.at} (now ${describe(ctx, now)}; before ${describe(ctx, acceptance.before)}), so Aiven may be acting on it; rerun without --resend. Nothing was sent.`,
      EXIT.refused,
    );
  }
  ctx.journal.append(ROLE_EVENTS.resend, { side: acceptance.side, role: acceptance.role, acceptedAt: acceptance.at });
  ctx.reporter.warn(
    `Aiven accepted ${acceptance.service} → ${acceptance.role} at ${acceptance.at} but nothing has changed since (${describe(ctx, now)}); --resend: sending it once more`,
  );
}

/**
 * `--resend` after requests whose answers were lost and that never showed at
 * Aiven (`UNRESOLVED_SEND_LIMIT` of them, counted across reruns): sets them
 * aside, so the operation sends once more, when both peers read exactly as
 * before the last of them. False when there are none to set aside.
 */
async function resendUnresolved(ctx: PairRun): Promise<boolean> {
  const intents = [...ctx.journal.pairEpisode(), ...ctx.journal.episode()].filter(
    (e) => e.event === ROLE_EVENTS.intent && e.before,
  );
  const last = intents.sort((a, b) => a.ts.localeCompare(b.ts)).at(-1);
  if (!last) return false;
  const unresolved = ctx.journal.unresolvedSends(String(last.side), String(last.role));
  if (unresolved.length < UNRESOLVED_SEND_LIMIT) return false;
  const service = String(last.service);
  ctx.step(
    "resend",
    `reading both peers: ${unresolved.length} requests for ${service} → ${String(last.role)} were sent and never showed at Aiven`,
  );
  const now = snapshot(await ctx.peers.read());
  const before = last.before as PairSnapshot;
  if (!exactlyAsBefore(before, now)) {
    throw new AcceptedWithoutEffectError(
      `--resend: the pair is not exactly as it was before the last request for ${service} → ${String(last.role)} at ${last.ts} (now ${describe(ctx, now)}; before ${describe(ctx, before)}), so Aiven may be acting on it; rerun without --resend. Nothing was sent.`,
      EXIT.refused,
    );
  }
  ctx.journal.append(ROLE_EVENTS.resend, { side: last.side, role: last.role, unresolved: unresolved.length });
  ctx.reporter.warn(
    `${unresolved.length} requests for ${service} → ${String(last.role)} never showed at Aiven and nothing has changed since (${describe(ctx, now)}); --resend: sending it once more`,
  );
  return true;
}
