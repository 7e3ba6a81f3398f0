import type Bottleneck from "bottleneck/light";

/**
 * Aiven answers "Rate limit 120 exceeded - try again in 28s": at most
 * `limit` requests in a window. The window's length is not documented; a
 * minute is assumed, and both are settings (`CRDR_API_RATE_LIMIT`).
 */
export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { limit: 120, windowMs: 60_000 };

/**
 * One budget of requests for a whole run, shared by every pair it touches: a
 * sliding window, as Aiven counts. Up to `limit` requests may go at once, and
 * each one's place comes back a window (plus a small margin for network
 * delay) after it left, so no window of `windowMs`, however it is aligned,
 * sees more than `limit`. Writes go before waiting reads (see
 * `WRITE_PRIORITY`).
 *
 * It replaced a token bucket that let half the limit go at once and refilled
 * the other half over the window: that never exceeded the limit either, but
 * 200 role changes took 140 s under it where the window allows them in 60 s.
 * To leave room for other clients of the same token, give a lower
 * `CRDR_API_RATE_LIMIT`.
 */
export function requestBudget({ limit, windowMs }: RateLimit): Bottleneck {
  // Loaded with the first budget (the first request's), not at every command's start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Limiter = require("bottleneck/light") as typeof Bottleneck;
  const budget = new Limiter({ reservoir: limit });
  const margin = Math.min(1000, Math.ceil(windowMs / 50));
  // The places coming back must not keep a finished run alive for a window,
  // but while a request waits for one they are all that is left to do: then
  // they hold the process (unheld, node would exit mid-run, with status 0).
  const comingBack = new Set<NodeJS.Timeout>();
  const holdWhileQueued = () => {
    const waiting = budget.counts().QUEUED > 0;
    for (const timer of comingBack) waiting ? timer.ref() : timer.unref();
  };
  budget.on("executing", () => {
    const timer = setTimeout(() => {
      comingBack.delete(timer);
      void budget.incrementReservoir(1);
    }, windowMs + margin);
    comingBack.add(timer);
    holdWhileQueued();
  });
  budget.on("queued", holdWhileQueued);
  return budget;
}

/** Reads "120/60s" or "120" (per minute) from a setting. */
export function parseRateLimit(value: string): RateLimit | undefined {
  const match = /^\s*(\d+)\s*(?:\/\s*(\d+)\s*(ms|s|m)?)?\s*$/.exec(value);
  if (!match) return undefined;
  const limit = Number(match[1]);
  const amount = match[2] === undefined ? 60 : Number(match[2]);
  const unit = match[3] ?? "s";
  const windowMs = amount * { ms: 1, s: 1000, m: 60_000 }[unit as "ms" | "s" | "m"];
  return limit > 0 && windowMs > 0 ? { limit, windowMs } : undefined;
}

/**
 * Bottleneck priorities (lower runs first). A role change never waits behind
 * a pair's own polls (`READ_PRIORITY`). A project's service list
 * (`LIST_PRIORITY`) goes even before queued role changes: it answers every
 * pair of a region run at once and its reader spaces it (`pollGapMs`), so it
 * costs at most one place per gap, and it lets the pairs whose role change
 * is done see their recovery and reconcile Terraform while later role
 * changes wait for the window. Behind the role changes, those pairs would
 * learn of their recovery only once the last role change had left, and
 * their terraform work, which could have filled the wait, would all come
 * after it (a 200-pair bench: 52 s after the last role change, of a 148 s run).
 */
export const LIST_PRIORITY = 0;
export const WRITE_PRIORITY = 1;
export const READ_PRIORITY = 5;

/** How often a shared poll of a fleet may spend a request: twice the budget's refill interval, at least 1 s. */
export function pollGapMs({ limit, windowMs }: RateLimit): number {
  return Math.max(1000, Math.ceil((2 * windowMs) / Math.max(1, limit - Math.floor(limit / 2))));
}
