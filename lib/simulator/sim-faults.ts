/**
 * Faults the simulator injects, for tests and drills. A fault matches a
 * method (or any) and a path pattern, and fires `times` times (or forever).
 */
export type FaultKind = "status" | "rate-limit" | "slow" | "drop";

export interface FaultSpec {
  readonly kind: FaultKind;
  /** HTTP method to match. @default - any */
  readonly method?: string;
  /** A regular expression the request path must match. @default - any path */
  readonly path?: string;
  /** How many requests it affects. @default - every matching request */
  readonly times?: number;
  /** For `status`: the status to answer. @default 503 */
  readonly status?: number;
  /** For `rate-limit`: the Retry-After seconds. @default 1 */
  readonly retryAfterSeconds?: number;
  /** For `slow`: delay before answering normally. @default 1000 */
  readonly delayMs?: number;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

export class FaultTable {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    if (!["status", "rate-limit", "slow", "drop"].includes(spec.kind)) {
      throw new Error(`unknown fault kind ${JSON.stringify(spec.kind)}`);
    }
    if (spec.path) new RegExp(spec.path); // reject bad patterns now, not per request
    this.faults.push({ ...spec, remaining: spec.times ?? Infinity });
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault this request triggers, if any, counting it as used. */
  take(method: string, path: string): FaultSpec | undefined {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (!f.method || f.method.toUpperCase() === method) && (!f.path || new RegExp(f.path).test(path)),
    );
    if (fault) fault.remaining -= 1;
    return fault;
  }
}
