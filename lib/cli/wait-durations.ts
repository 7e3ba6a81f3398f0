import { formatDuration, parseDuration } from "../duration";
import { UserError } from "../user-error";

/**
 * How long a DR operation may be told to wait and how often to poll. A timer
 * holds at most about 24.8 days (a longer one fires at once, so polling would
 * spin), and polling faster than 100 ms only spends the API's rate limit.
 */
export const WAIT_BOUNDS = {
  pollInterval: { min: 100, max: 60 * 60_000 },
  timeout: { min: 100, max: 7 * 24 * 60 * 60_000 },
} as const;

/** Parses `value` as a duration within `bounds`, refusing anything else in one sentence. */
export function boundedDuration(value: string, flag: string, bounds: { min: number; max: number }): number {
  const ms = parseDuration(value, flag);
  if (ms < bounds.min || ms > bounds.max) {
    throw new UserError(
      `${flag} "${value}" is outside ${formatDuration(bounds.min)} to ${formatDuration(bounds.max)}; give a duration in that range, such as "5s" or "30m".`,
    );
  }
  return ms;
}

/** `--timeout` and `--poll-interval`, each bounded, and a timeout that allows at least one poll. */
export function waitDurations(timeout: string, pollInterval: string): { timeoutMs: number; pollIntervalMs: number } {
  const timeoutMs = boundedDuration(timeout, "--timeout", WAIT_BOUNDS.timeout);
  const pollIntervalMs = boundedDuration(pollInterval, "--poll-interval", WAIT_BOUNDS.pollInterval);
  if (timeoutMs < pollIntervalMs) {
    throw new UserError(
      `--timeout "${timeout}" is shorter than one poll (--poll-interval "${pollInterval}"), so the wait could not read Aiven even once; give a longer --timeout.`,
    );
  }
  return { timeoutMs, pollIntervalMs };
}
