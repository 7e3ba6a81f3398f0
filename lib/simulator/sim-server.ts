import * as http from "http";
import { AddressInfo } from "net";
import { projectOfPath, RateLimitScope } from "../aiven/project-budgets";
import { FaultSpec, FaultTable } from "./sim-faults";
import { DEFAULT_BEHAVIOUR, NO_DELAYS, SimBehaviour, SimDelays, SimModel, SimRefusal } from "./sim-model";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly status: number | "dropped";
}

export interface SimServerOptions {
  /** The only token accepted. */
  readonly token: string;
  readonly delays?: Partial<SimDelays>;
  readonly behaviour?: Partial<SimBehaviour>;
  /** @default 0 (any free port) */
  readonly port?: number;
  /**
   * Enforce a rate limit as Aiven does: more than `limit` API requests in any
   * `windowMs` are answered 429 with Retry-After; counted over every request
   * (`per: "token"`, the default) or each Aiven project's apart (`"project"`).
   * @default - no limit
   */
  readonly rateLimit?: { readonly limit: number; readonly windowMs: number; readonly per?: RateLimitScope };
  /** The clock transitions and timed faults follow (tests pin it). @default Date.now */
  readonly clock?: () => number;
}

type Handler = (params: string[], body: any, fault: FaultSpec | undefined) => { status?: number; body: unknown };

/** A read's answer, kept for `stale-reads`. */
interface PastAnswer {
  readonly at: number;
  readonly status: number;
  readonly body: unknown;
}

/** How many past answers per path `stale-reads` can draw on. */
const ANSWERS_KEPT = 500;

/**
 * A local stand-in for the Aiven REST API, on 127.0.0.1 only: the service and
 * integration endpoints CRDR uses, `aivenv1` (or `Bearer`) token auth, JSON
 * error bodies, CRDR role transitions, and injectable faults. Test and drill
 * control lives under `/_sim/`.
 */
export class SimServer {
  readonly model: SimModel;
  readonly faults: FaultTable;
  readonly requests: RecordedRequest[] = [];
  private server?: http.Server;
  private readonly sockets = new Set<import("net").Socket>();
  private readonly pastAnswers = new Map<string, PastAnswer[]>();
  private readonly now: () => number;
  private readonly arrivals = new WeakMap<RecordedRequest, number>();
  private readonly routes: Array<{ method: string; pattern: RegExp; handler: Handler }>;

  constructor(private readonly options: SimServerOptions) {
    this.now = options.clock ?? Date.now;
    this.faults = new FaultTable(this.now);
    this.model = new SimModel({ ...NO_DELAYS, ...options.delays }, this.now);
    this.model.behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
    const seg = "([^/]+)";
    const m = this.model;
    this.routes = [
      {
        method: "GET",
        pattern: new RegExp(`^/v1/project/${seg}/service$`),
        handler: ([p]) => ({ body: { services: m.listServices(p) } }),
      },
      {
        method: "GET",
        pattern: new RegExp(`^/v1/project/${seg}/service/${seg}$`),
        handler: ([p, s]) => ({ body: { service: m.getService(p, s) } }),
      },
      {
        method: "PUT",
        pattern: new RegExp(`^/v1/project/${seg}/service/${seg}$`),
        handler: ([p, s], b, fault) => {
          if (fault?.kind === "accept-and-ignore") return { body: { service: m.getService(p, s) } };
          const visibleAfterMs = fault?.kind === "delayed-visibility" ? (fault.visibleAfterMs ?? 1000) : 0;
          const service = m.updateService(p, s, b ?? {}, { visibleAfterMs });
          if (fault?.kind === "conflict-while-moving") {
            return {
              status: 409,
              body: errorBody(
                409,
                `Service ${s} is ${service.state}/${service.disaster_recovery_role}: a disaster recovery transition is in progress; wait for it to finish`,
              ),
            };
          }
          return { body: { service } };
        },
      },
      {
        method: "POST",
        pattern: new RegExp(`^/v1/project/${seg}/service$`),
        handler: ([p], b) => ({ body: { service: m.createService(p, b ?? {}) } }),
      },
      {
        method: "GET",
        pattern: new RegExp(`^/v1/project/${seg}/service/${seg}/integration$`),
        handler: ([p, s]) => ({ body: { service_integrations: m.listIntegrations(p, s) } }),
      },
      {
        method: "GET",
        pattern: new RegExp(`^/v1/project/${seg}/integration/${seg}$`),
        handler: ([p, id]) => ({ body: { service_integration: m.getIntegration(p, id) } }),
      },
      {
        method: "POST",
        pattern: new RegExp(`^/v1/project/${seg}/integration$`),
        handler: ([p], b) => ({ body: { service_integration: m.createIntegration(p, b ?? {}) } }),
      },
      {
        method: "DELETE",
        pattern: new RegExp(`^/v1/project/${seg}/integration/${seg}$`),
        handler: ([p, id]) => {
          m.deleteIntegration(p, id);
          return { body: { message: "Service integration deleted" } };
        },
      },
    ];
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("simulator is not listening");
    return `http://127.0.0.1:${address.port}`;
  }

  /** Requests to the Aiven API (not to `/_sim/`), in order. */
  apiCalls(method?: string): RecordedRequest[] {
    return this.requests.filter((r) => !method || r.method === method);
  }

  /** When a recorded request arrived, on the simulator's clock. */
  arrivedAt(request: RecordedRequest): number {
    const at = this.arrivals.get(request);
    if (at === undefined) throw new Error("not a request this simulator recorded");
    return at;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.options.port ?? 0, "127.0.0.1", resolve);
    });
    return this.url;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrived = this.now();
    const method = req.method ?? "GET";
    const path = decodeURI((req.url ?? "/").split("?")[0]);
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return sendNow(res, 400, errorBody(400, "Request body is not valid JSON"));
    }

    if (path.startsWith("/_sim/")) return this.control(method, path, body, res);

    const record = (status: number | "dropped") => {
      const recorded = { method, path, body, status };
      this.arrivals.set(recorded, arrived);
      this.requests.push(recorded);
    };
    const fault = this.faults.take(method, path, raw);
    if (fault?.kind === "transition-ends") this.endTransition(path);
    if (fault?.kind === "drop" || (fault?.kind === "unreadable" && fault.reset)) {
      record("dropped");
      req.socket.destroy();
      return;
    }
    // A slow answer: the request takes effect at once, the answer comes late
    // (so a client that gives up cannot tell whether it went through).
    const answerDelay = fault?.kind === "slow" || fault?.kind === "apply-then-slow" ? (fault.delayMs ?? 1000) : 0;
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
      answerDelay
        ? void setTimeout(() => sendNow(res, status, payload, headers), answerDelay)
        : sendNow(res, status, payload, headers);
    if (fault?.kind === "status" || fault?.kind === "unreadable") {
      const status = fault.status ?? 503;
      record(status);
      return send(status, errorBody(status, "Service temporarily unavailable (injected)"));
    }
    const limited = this.overLimit(path);
    if (limited !== undefined) {
      record(429);
      return send(
        429,
        errorBody(
          429,
          `The user has sent too many requests in a given amount of time: Rate limit ${this.options.rateLimit!.limit} exceeded - try again in ${limited}s`,
        ),
        { "Retry-After": String(limited) },
      );
    }
    if (fault?.kind === "garble") {
      record(200);
      const cut = '{"service": {"service_name": "';
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(cut) });
      return void res.end(cut);
    }
    if (fault?.kind === "rate-limit") {
      const seconds = fault.retryAfterSeconds ?? 1;
      record(429);
      return send(429, errorBody(429, `Rate limit 120 exceeded – try again in ${seconds}s`), {
        "Retry-After": String(seconds),
      });
    }

    const auth = req.headers.authorization ?? "";
    const token = /^(?:aivenv1|Bearer) (.+)$/.exec(auth)?.[1];
    if (token !== this.options.token) {
      record(401);
      return send(401, errorBody(401, token ? "Invalid token" : "Authentication required"));
    }

    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    if (!route) {
      const known = this.routes.some((r) => r.pattern.test(path));
      const status = known ? 405 : 404;
      record(status);
      return send(status, errorBody(status, known ? `Method ${method} not allowed` : `No such endpoint ${path}`));
    }
    let status: number;
    let answer: unknown;
    try {
      const params = route.pattern.exec(path)!.slice(1).map(decodeURIComponent);
      const result = route.handler(params, body, fault);
      status = result.status ?? 200;
      answer = result.body;
      if (
        method === "PUT" &&
        (body as { disaster_recovery_role?: unknown } | undefined)?.disaster_recovery_role === "failed"
      )
        await this.failOverDatabases(params[0], params[1]);
    } catch (err) {
      status = err instanceof SimRefusal ? err.status : 500;
      answer = errorBody(status, (err as Error).message);
    }
    if (method === "GET") ({ status, answer } = this.readPath(path, status, answer, fault));
    // The request was applied; what reaches the client may still be lost.
    if (fault?.kind === "apply-then-drop" || (fault?.kind === "delayed-visibility" && fault.answer === "drop")) {
      record("dropped");
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "apply-then-status" || (fault?.kind === "delayed-visibility" && fault.answer === "gateway")) {
      const gateway = fault.kind === "apply-then-status" ? (fault.status ?? 504) : 504;
      record(gateway);
      return sendHtml(res, gateway, `<html><body><h1>${gateway} Gateway Error</h1></body></html>`);
    }
    record(status);
    send(status, answer);
  }

  /**
   * Keeps every read's answer by path; under `stale-reads`, answers with the
   * newest one at least `staleMs` old (the oldest kept if none is), as a
   * lagging cache in front of the API would.
   */
  private readPath(
    path: string,
    status: number,
    answer: unknown,
    fault: FaultSpec | undefined,
  ): { status: number; answer: unknown } {
    const now = this.now();
    const past = this.pastAnswers.get(path) ?? [];
    past.push({ at: now, status, body: answer });
    if (past.length > ANSWERS_KEPT) past.shift();
    this.pastAnswers.set(path, past);
    if (fault?.kind !== "stale-reads") return { status, answer };
    const cutoff = now - (fault.staleMs ?? 1000);
    const stale = [...past].reverse().find((a) => a.at <= cutoff) ?? past[0];
    return { status: stale.status, answer: stale.body };
  }

  /** Ends the transition of the service a request's path names, if it names one the model knows. */
  private endTransition(path: string): void {
    const named = /^\/v1\/project\/([^/]+)\/service\/([^/]+)/.exec(path);
    if (!named) return;
    try {
      this.model.finishTransition(named[1], named[2]);
    } catch (err) {
      if (!(err instanceof SimRefusal)) throw err;
    }
  }

  /**
   * A failed primary's real clusters, when attached, follow it: the standby
   * is promoted and the primary's node stops, before the answer leaves.
   */
  private async failOverDatabases(project: string, service: string): Promise<void> {
    const peers = this.model.drPeersOf(project, service);
    if (peers?.primary === service) await this.model.postgres.failOver(project, peers.primary, peers.recovery);
  }

  /** Times of the API requests inside the rate-limit window, by what the limit counts over (one key, or each project). */
  private readonly recent = new Map<string, number[]>();

  /** Seconds until another request to `path` is allowed, or undefined when this one is (and it counts). */
  private overLimit(path: string): number | undefined {
    const rate = this.options.rateLimit;
    if (!rate) return undefined;
    const key = rate.per === "project" ? projectOfPath(path) : "";
    const recent = this.recent.get(key) ?? [];
    this.recent.set(key, recent);
    const now = Date.now();
    while (recent.length && recent[0] <= now - rate.windowMs) recent.shift();
    if (recent.length >= rate.limit) return Math.max(1, Math.ceil((recent[0] + rate.windowMs - now) / 1000));
    recent.push(now);
    return undefined;
  }

  private control(method: string, path: string, body: any, res: http.ServerResponse): void {
    try {
      if (method === "GET" && path === "/_sim/requests") return sendNow(res, 200, { requests: this.requests });
      if (method === "POST" && path === "/_sim/faults") {
        this.faults.add(body as FaultSpec);
        return sendNow(res, 200, { ok: true });
      }
      if (method === "DELETE" && path === "/_sim/faults") {
        this.faults.clear();
        return sendNow(res, 200, { ok: true });
      }
      if (method === "POST" && path === "/_sim/pairs") {
        this.model.addPair(body);
        return sendNow(res, 200, { ok: true });
      }
      if (method === "POST" && path === "/_sim/delays") {
        this.model.delays = { ...this.model.delays, ...body };
        return sendNow(res, 200, { delays: this.model.delays });
      }
      if (method === "POST" && path === "/_sim/behaviour") {
        this.model.behaviour = { ...this.model.behaviour, ...body };
        return sendNow(res, 200, { behaviour: this.model.behaviour });
      }
      sendNow(res, 404, errorBody(404, `No such control endpoint ${method} ${path}`));
    } catch (err) {
      sendNow(res, 400, errorBody(400, (err as Error).message));
    }
  }
}

function errorBody(status: number, message: string) {
  return { message, errors: [{ message, status }] };
}

function sendNow(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { "Content-Type": "text/html", "Content-Length": Buffer.byteLength(html) });
  res.end(html);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
