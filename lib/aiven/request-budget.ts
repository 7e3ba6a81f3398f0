import Bottleneck from "bottleneck";

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
  const budget = new Bottleneck({ reservoir: limit });
  const margin = Math.min(1000, Math.ceil(windowMs / 50));
  budget.on("executing", () => {
    setTimeout(() => void budget.incrementReservoir(1), windowMs + margin).unref();
  });
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

/** Bottleneck priorities (lower runs first): a role change never waits behind polls. */
export const WRITE_PRIORITY = 1;
export const READ_PRIORITY = 5;

/** How often a shared poll of a fleet may spend a request: twice the budget's refill interval, at least 1 s. */
export function pollGapMs({ limit, windowMs }: RateLimit): number {
  return Math.max(1000, Math.ceil((2 * windowMs) / Math.max(1, limit - Math.floor(limit / 2))));
}
