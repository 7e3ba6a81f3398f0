/**
 * Faults the simulator injects, for tests and drills. A fault matches a
 * method (or any) and a path pattern, and fires `times` times (or forever).
 *
 * Before the request reaches the API (nothing is applied):
 * - `status`: answer an error status (default 503).
 * - `rate-limit`: answer 429 with Retry-After.
 * - `drop`: cut the connection without an answer.
 * - `garble`: answer 200 with a JSON body cut short.
 *
 * After the API applied the request (the awkward ones a real network makes):
 * - `slow` (also `apply-then-slow`): the answer comes `delayMs` late, after
 *   a client's timeout.
 * - `apply-then-drop`: the connection is cut before the answer.
 * - `apply-then-status`: a gateway answers an error status (default 504)
 *   with an HTML page, for work that happened.
 */
export const FAULT_KINDS = ["status", "rate-limit", "drop", "garble", "slow", "apply-then-slow", "apply-then-drop", "apply-then-status"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  readonly kind: FaultKind;
  /** HTTP method to match. @default - any */
  readonly method?: string;
  /** A regular expression the request path must match. @default - any path */
  readonly path?: string;
  /** A regular expression the request's JSON body must match, such as `"disaster_recovery_role":"active"`. @default - any body */
  readonly body?: string;
  /** How many requests it affects. @default - every matching request */
  readonly times?: number;
  /** For `status` and `apply-then-status`: the status to answer. @default 503, 504 */
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
    if (!(FAULT_KINDS as readonly string[]).includes(spec.kind)) {
      throw new Error(`unknown fault kind ${JSON.stringify(spec.kind)}`);
    }
    if (spec.path) new RegExp(spec.path); // reject bad patterns now, not per request
    if (spec.body) new RegExp(spec.body);
    this.faults.push({ ...spec, remaining: spec.times ?? Infinity });
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault this request triggers, if any, counting it as used. */
  take(method: string, path: string, body = ""): FaultSpec | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.path || new RegExp(f.path).test(path)) &&
        (!f.body || new RegExp(f.body).test(body)),
    );
    if (fault) fault.remaining -= 1;
    return fault;
  }
}
