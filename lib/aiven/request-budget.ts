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
 * One budget of requests for a whole run, shared by every pair it touches:
 * a token bucket holding half the limit (a region's role changes go out at
 * once), refilled with the other half over the window, so that no window of
 * `windowMs`, however it is aligned, sees more than `limit`. Writes go before
 * waiting reads (see `WRITE_PRIORITY`).
 */
export function requestBudget({ limit, windowMs }: RateLimit): Bottleneck {
  const burst = Math.max(1, Math.floor(limit / 2));
  const refills = Math.max(1, limit - burst);
  return new Bottleneck({
    reservoir: burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: Math.ceil(windowMs / refills),
    reservoirIncreaseMaximum: burst,
  });
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
