/**
 * How long to wait after Aiven refuses a role change with 429, before
 * reading the pair and sending again. The first few waits are what Aiven
 * asked for (Retry-After, "try again in Ns", else 30 s); after that each wait
 * doubles, capped, whatever Aiven says: a limit that never clears (another
 * client spending the token's quota, a stuck gateway) must not be answered
 * with a request a second for the whole --timeout.
 */
export const RATE_LIMIT_BACKOFF = {
  /** Refusals answered with the wait Aiven asked for. */
  asAsked: 3,
  /** The wait when Aiven names none. */
  defaultMs: 30_000,
  /** The longest single wait. */
  maxMs: 5 * 60_000,
} as const;

/** The wait after the `refusals`-th 429 in a row (1 for the first). */
export function rateLimitWaitMs(refusals: number, retryAfterSeconds: number | undefined): number {
  const asked = retryAfterSeconds !== undefined ? 1000 * retryAfterSeconds : RATE_LIMIT_BACKOFF.defaultMs;
  const doublings = Math.max(0, refusals - RATE_LIMIT_BACKOFF.asAsked);
  return Math.min(RATE_LIMIT_BACKOFF.maxMs, Math.max(asked, 1000) * 2 ** doublings);
}
