import ms, { StringValue } from "ms";
import { UserError } from "./user-error";

/** Parses a duration such as "30m", "90s" or "1h" with `ms`, refusing anything else. */
export function parseDuration(value: string, flag: string): number {
  const parsed = /^\d+(\.\d+)?\s*[a-z]+$/i.test(value.trim()) ? ms(value.trim() as StringValue) : undefined;
  if (parsed === undefined || !Number.isFinite(parsed)) {
    throw new UserError(`${flag} "${value}" is not a duration; use a value such as "30m", "90s" or "2h".`);
  }
  if (parsed <= 0) {
    throw new UserError(
      `${flag} "${value}" is too short: a duration must be longer than zero, such as "30m", "90s" or "2h".`,
    );
  }
  return parsed;
}

/** A duration the way people read it: "500ms", "5s", "30m", "6h", "1m30s". */
export function formatDuration(millis: number): string {
  if (millis < 1000) return `${Math.round(millis)}ms`;
  const total = Math.round(millis / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h ? `${h}h` : "", m ? `${m}m` : "", s ? `${s}s` : ""].join("") || "0s";
}

/** Parses a whole number of milliseconds given to `flag`, refusing anything else. */
export function parseMillis(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new UserError(`${flag} "${value}" is not a whole number of milliseconds; use a value such as 300.`);
  }
  return n;
}
