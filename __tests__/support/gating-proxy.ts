import * as http from "http";
import { AddressInfo } from "net";

/** What the proxy does with a request it intercepts instead of relaying plainly. */
export type Interception =
  /** Relay it, then keep the answer until `release()`: the request is applied, the client waits. */
  | { kind: "hold-answer" }
  /** Answer with a redirect to the same path on `location`'s host, without relaying. */
  | { kind: "redirect"; status: number; location: string }
  /** Answer with an error status and Aiven's error body, without relaying. */
  | { kind: "status"; status: number; message: string };

/**
 * A reverse proxy on 127.0.0.1 in front of the simulator, used as
 * AIVEN_WEB_URL. It relays every request, except those `intercept` picks:
 * their answer is held until the test releases it (a controlled moment
 * between Aiven applying a change and the client hearing of it), or they
 * are redirected.
 */
export class GatingProxy {
  private readonly held: Array<() => void> = [];
  private readonly waiters: Array<() => void> = [];
  private readonly server: http.Server;

  constructor(
    private readonly upstream: string,
    private readonly intercept: (method: string, path: string, body: string) => Interception | undefined,
  ) {
    this.server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => this.handle(req, res, body));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  /** Resolves once an answer is being held. */
  answerHeld(): Promise<void> {
    return this.held.length ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Lets every held answer go. */
  release(): void {
    for (const send of this.held.splice(0)) send();
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const interception = this.intercept(method, path, body);
    if (interception?.kind === "redirect") {
      res.writeHead(interception.status, { Location: `${interception.location}${path}`, "Content-Type": "text/html" });
      res.end("<html><body>Moved</body></html>");
      return;
    }
    if (interception?.kind === "status") {
      res.writeHead(interception.status, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          message: interception.message,
          errors: [{ message: interception.message, status: interception.status }],
        }),
      );
      return;
    }
    const target = new URL(path, this.upstream);
    const upstream = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        let payload = "";
        answer.on("data", (d) => (payload += d));
        answer.on("end", () => {
          const send = () => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(payload);
          };
          if (interception?.kind !== "hold-answer") return send();
          this.held.push(send);
          for (const wake of this.waiters.splice(0)) wake();
        });
      },
    );
    upstream.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  }
}
