/**
 * Faults the simulator injects, for tests and drills. A fault matches a
 * method (or any) and a path pattern, and fires `times` times (or forever),
 * for `forMs` (or forever) from when it is added or, with `after`, from when
 * a request matching `after` arrives.
 *
 * Before the request reaches the API (nothing is applied):
 * - `status`: answer an error status (default 503).
 * - `rate-limit`: answer 429 with Retry-After.
 * - `drop`: cut the connection without an answer.
 * - `garble`: answer 200 with a JSON body cut short.
 * - `unreadable`: a read (GET unless `method` says otherwise) is answered
 *   `status` (default 503), or with `reset` the connection is cut; meant with
 *   `forMs`, for peers nobody can read for a while.
 * - `accept-and-ignore`: answer 200 with the service as it is, and change
 *   nothing (an API that takes a request and never acts on it).
 *
 * After the API applied the request (the awkward ones a real network makes):
 * - `slow` (also `apply-then-slow`): the answer comes `delayMs` late, after
 *   a client's timeout.
 * - `apply-then-drop`: the connection is cut before the answer.
 * - `apply-then-status`: a gateway answers an error status (default 504)
 *   with an HTML page, for work that happened.
 * - `delayed-visibility`: a role change is accepted, but every read shows
 *   the old roles and states for `visibleAfterMs` before the transition
 *   starts; `answer` says what reaches the client (default: the normal 200).
 * - `conflict-while-moving`: the requested transition starts (as when
 *   another operator's identical request arrived a moment earlier) and this
 *   request is answered 409 "transition in progress".
 *
 * On the read path:
 * - `stale-reads`: a read is answered with what that path answered `staleMs`
 *   ago (a lagging cache or replica); the request itself is served normally.
 * - `transition-ends`: the service the request names finishes its transition
 *   (its remaining steps apply at once) before the request is served, as
 *   when a peer settles back to RUNNING: a transition held with long delays
 *   ends at a known point, say the first read after a role change.
 */
export const FAULT_KINDS = [
  "status",
  "rate-limit",
  "drop",
  "garble",
  "unreadable",
  "accept-and-ignore",
  "slow",
  "apply-then-slow",
  "apply-then-drop",
  "apply-then-status",
  "delayed-visibility",
  "conflict-while-moving",
  "stale-reads",
  "transition-ends",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A request to match: a method, a path pattern and a body pattern. */
export interface RequestMatch {
  /** HTTP method to match. @default - any */
  readonly method?: string;
  /** A regular expression the request path must match. @default - any path */
  readonly path?: string;
  /** A regular expression the request's JSON body must match, such as `"disaster_recovery_role":"active"`. @default - any body */
  readonly body?: string;
}

export interface FaultSpec extends RequestMatch {
  readonly kind: FaultKind;
  /** How many requests it affects. @default - every matching request */
  readonly times?: number;
  /** How long it lasts once armed, in milliseconds. @default - until `times` is used up */
  readonly forMs?: number;
  /** Arms the fault when a request matching this arrives (say the role change's PUT). @default - armed when added */
  readonly after?: RequestMatch;
  /** For `status`, `apply-then-status` and `unreadable`: the status to answer. @default 503, 504, 503 */
  readonly status?: number;
  /** For `unreadable`: cut the connection instead of answering. @default false */
  readonly reset?: boolean;
  /** For `rate-limit`: the Retry-After seconds. @default 1 */
  readonly retryAfterSeconds?: number;
  /** For `slow`: delay before answering normally. @default 1000 */
  readonly delayMs?: number;
  /** For `delayed-visibility`: how long reads show the pair as it was. @default 1000 */
  readonly visibleAfterMs?: number;
  /** For `delayed-visibility`: what reaches the client, the normal answer, a cut connection or a gateway's 504. @default "normal" */
  readonly answer?: "normal" | "drop" | "gateway";
  /** For `stale-reads`: how old the answers served are. @default 1000 */
  readonly staleMs?: number;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
  /** When the fault was armed; undefined while it waits for its `after` request. */
  armedAt?: number;
}

export class FaultTable {
  private faults: ActiveFault[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  add(spec: FaultSpec): void {
    if (!(FAULT_KINDS as readonly string[]).includes(spec.kind)) {
      throw new Error(`unknown fault kind ${JSON.stringify(spec.kind)}`);
    }
    // Reject bad patterns now, not per request.
    for (const pattern of [spec.path, spec.body, spec.after?.path, spec.after?.body]) if (pattern) new RegExp(pattern);
    const defaults: Partial<FaultSpec> = spec.kind === "unreadable" ? { method: "GET" } : {};
    this.faults.push({
      ...defaults,
      ...spec,
      remaining: spec.times ?? Infinity,
      armedAt: spec.after ? undefined : this.now(),
    });
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault this request triggers, if any, counting it as used. */
  take(method: string, path: string, body = ""): FaultSpec | undefined {
    const now = this.now();
    for (const f of this.faults)
      if (f.armedAt === undefined && f.after && matches(f.after, method, path, body)) f.armedAt = now;
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        f.armedAt !== undefined &&
        (f.forMs === undefined || now < f.armedAt + f.forMs) &&
        matches(f, method, path, body),
    );
    if (fault) fault.remaining -= 1;
    return fault;
  }
}

function matches(match: RequestMatch, method: string, path: string, body: string): boolean {
  return (
    (!match.method || match.method.toUpperCase() === method) &&
    (!match.path || new RegExp(match.path).test(path)) &&
    (!match.body || new RegExp(match.body).test(body))
  );
}
