import * as http from "http";
import { AddressInfo, Socket } from "net";

/** The lock info terraform sends with LOCK and UNLOCK, and a backend answers a refused LOCK with. */
export interface HttpLockInfo {
  readonly ID: string;
  readonly Operation?: string;
  readonly Info?: string;
  readonly Who?: string;
  readonly Version?: string;
  readonly Created?: string;
  readonly Path?: string;
}

/** One request the backend received, and what it answered (undefined while held). */
export interface BackendRequest {
  readonly method: string;
  readonly stack: string;
  readonly lockId?: string;
  status?: number;
}

/** Faults the backend plays, changed by a test at any time. */
export interface HttpBackendFaults {
  /** Answer every state write (POST) with this status, the state unchanged. */
  writeStatus?: number;
  /** Answer only the next this-many writes with `writeStatus`, then accept writes again. @default - every write */
  writeFailures?: number;
  /** Store every state write (the `writeFailures` next ones, if set), then answer it with this status: a backend that commits and still reports an error. */
  commitThenStatus?: number;
  /** Hold every state write open without an answer until `dropHeldWrites()` (or the hold bound) drops its connection. */
  hangWrites?: boolean;
  /** Hold every state write until `releaseHeldWrites()`, which then serves it as usual (stored and answered). */
  holdWrites?: boolean;
  /** Delay every answer by this long. */
  latencyMs?: number;
}

/**
 * Terraform's `http` state backend, served on 127.0.0.1 for tests: one state
 * per stack at `<url>/<stack>`. GET answers the state (404 when there is
 * none); POST stores a new one (refused unless its `ID` query carries the
 * lock's ID while locked); LOCK and UNLOCK take and release the lock with the
 * lock info as body, and a LOCK while held is answered 423 with the holder's
 * lock info, as the protocol says. Faults are set on `faults`.
 */
export class HttpStateBackend {
  /** Every request, in order. */
  readonly requests: BackendRequest[] = [];
  faults: HttpBackendFaults = {};

  private readonly states = new Map<string, string>();
  private readonly locks = new Map<string, HttpLockInfo>();
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<{ res: http.ServerResponse; timer: NodeJS.Timeout }>();
  private readonly waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  private readonly pending: Array<() => void> = [];
  private readonly server: http.Server;
  private port = 0;

  /**
   * @param holdBoundMs the longest a held write stays open before its
   *   connection is dropped anyway, so a forgotten hold never hangs a suite.
   */
  constructor(private readonly holdBoundMs = 30_000) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.url;
  }

  /** The base address: `CRDR_BACKEND`'s `address`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/state`;
  }

  /** The state stored for `stack`, parsed; undefined when there is none. */
  state(
    stack: string,
  ): { serial: number; lineage: string; resources: Array<{ type: string; name: string }> } | undefined {
    const body = this.states.get(stack);
    return body ? JSON.parse(body) : undefined;
  }

  /** The state stored for `stack`, byte for byte. */
  rawState(stack: string): string | undefined {
    return this.states.get(stack);
  }

  /** Loses `stack`'s state, as an emptied bucket or a wrong address would. */
  forget(stack: string): void {
    this.states.delete(stack);
  }

  /** Who holds `stack`'s lock, if anyone. */
  lockOf(stack: string): HttpLockInfo | undefined {
    return this.locks.get(stack);
  }

  /** Another holder (a colleague's terraform run) takes `stack`'s lock. */
  holdLock(stack: string, info: HttpLockInfo): void {
    this.locks.set(stack, info);
  }

  /** Requests of one method (and stack). */
  received(method: string, stack?: string): BackendRequest[] {
    return this.requests.filter((r) => r.method === method && (stack === undefined || r.stack === stack));
  }

  /**
   * Resolves once `test` holds, checked after every request event (no
   * polling, no sleeping); rejects after `boundMs`, so a test whose
   * condition never comes fails and reaps its processes instead of hanging.
   */
  until(test: () => boolean, boundMs = 60_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`the http backend did not see the awaited request within ${boundMs} ms`));
      }, boundMs);
      this.waiters.push(waiter);
    });
  }

  /** Whether a write is held by `holdWrites`. */
  get holdingWrite(): boolean {
    return this.pending.length > 0;
  }

  /** Stops holding writes and serves the held ones as usual. */
  releaseHeldWrites(): void {
    this.faults.holdWrites = false;
    for (const serve of this.pending.splice(0)) serve();
  }

  /** Drops the connection of every held write: terraform sees the write fail. */
  dropHeldWrites(): void {
    for (const hold of [...this.held]) this.drop(hold);
  }

  /** Stops listening and drops every connection: afterwards the address is unreachable. */
  async stop(): Promise<void> {
    this.dropHeldWrites();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.test()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  private drop(hold: { res: http.ServerResponse; timer: NodeJS.Timeout }): void {
    clearTimeout(hold.timer);
    this.held.delete(hold);
    hold.res.socket?.destroy();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const stack = decodeURIComponent(url.pathname.replace(/^\/state\//, ""));
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const request: BackendRequest = {
        method: req.method ?? "",
        stack,
        lockId: url.searchParams.get("ID") ?? undefined,
      };
      this.requests.push(request);
      const answer = (status: number, payload?: string) => {
        const send = () => {
          request.status = status;
          res.writeHead(status, payload ? { "content-type": "application/json" } : {});
          res.end(payload);
          this.notify();
        };
        if (this.faults.latencyMs) setTimeout(send, this.faults.latencyMs);
        else send();
      };
      this.notify();
      this.respond(request, body, answer, res);
    });
  }

  private respond(
    request: BackendRequest,
    body: string,
    answer: (status: number, payload?: string) => void,
    res: http.ServerResponse,
  ): void {
    const { stack } = request;
    const lock = this.locks.get(stack);
    switch (request.method) {
      case "GET": {
        const state = this.states.get(stack);
        return state ? answer(200, state) : answer(404);
      }
      case "POST": {
        if (this.faults.holdWrites) {
          this.pending.push(() => this.respond(request, body, answer, res));
          this.notify();
          return;
        }
        if (this.faults.hangWrites) {
          const hold = { res, timer: setTimeout(() => this.drop(hold), this.holdBoundMs) };
          this.held.add(hold);
          return;
        }
        if (this.faults.writeStatus && (this.faults.writeFailures === undefined || this.faults.writeFailures > 0)) {
          if (this.faults.writeFailures !== undefined) this.faults.writeFailures--;
          return answer(this.faults.writeStatus, JSON.stringify({ error: "the backend failed this write" }));
        }
        if (lock && request.lockId !== lock.ID) return answer(409, JSON.stringify(lock));
        try {
          JSON.parse(body);
        } catch {
          return answer(400);
        }
        this.states.set(stack, body);
        if (
          this.faults.commitThenStatus &&
          (this.faults.writeFailures === undefined || this.faults.writeFailures > 0)
        ) {
          if (this.faults.writeFailures !== undefined) this.faults.writeFailures--;
          return answer(
            this.faults.commitThenStatus,
            JSON.stringify({ error: "the backend stored this write, then failed" }),
          );
        }
        return answer(200);
      }
      case "LOCK": {
        if (lock) return answer(423, JSON.stringify(lock));
        const info = parseLockInfo(body);
        if (!info) return answer(400);
        this.locks.set(stack, info);
        return answer(200);
      }
      case "UNLOCK": {
        const info = parseLockInfo(body);
        if (!lock) return answer(200);
        // `terraform force-unlock` sends no lock info: it releases whoever holds the lock.
        if (body.trim() && info?.ID !== lock.ID) return answer(423, JSON.stringify(lock));
        this.locks.delete(stack);
        return answer(200);
      }
      default:
        return answer(405);
    }
  }
}

function parseLockInfo(body: string): HttpLockInfo | undefined {
  try {
    const info = JSON.parse(body) as HttpLockInfo;
    return typeof info?.ID === "string" ? info : undefined;
  } catch {
    return undefined;
  }
}
