import * as http from "http";
import { AddressInfo } from "net";
import { inspect } from "util";
import { AivenApiError } from "../lib/aiven/aiven-api-error";
import { AivenClient, readRetryWaitMs } from "../lib/aiven/aiven-client";
import { classifyWriteFailure } from "../lib/aiven/write-outcome";
import { SimServer } from "../lib/simulator/sim-server";
import { SIM_TEST_PAIR, simWithTestPair } from "./support/sim-test-pair";
import { UserError } from "../lib/user-error";
import { CountingProxy } from "./support/counting-proxy";
import { IntegrationClient } from "./support/integration-client";

const TOKEN = "client-test-token-5150";
let sim: SimServer;
let url: string;

beforeEach(async () => {
  ({ sim, url } = await simWithTestPair({ token: TOKEN }));
});
afterEach(() => sim.stop());

const client = (overrides: Partial<ConstructorParameters<typeof AivenClient>[0]> = {}) =>
  new AivenClient({ baseUrl: url, token: TOKEN, backoffMs: 10, timeoutMs: 1000, ...overrides });

async function failure(promise: Promise<unknown>): Promise<AivenApiError> {
  try {
    await promise;
  } catch (err) {
    return err as AivenApiError;
  }
  throw new Error("expected a failure");
}

describe("AivenClient", () => {
  it("reads a service out of the {service: …} wrapping", async () => {
    const service = await client().getService("p1", "pg-a-dr");
    expect(service).toMatchObject({
      service_name: "pg-a-dr",
      state: "RUNNING",
      disaster_recovery_role: "passive",
      cloud_name: "google-europe-north1",
    });
  });

  it("sends a partial PUT body and returns the updated service", async () => {
    const updated = await client().updateService("p1", "pg-a", { disaster_recovery_role: "failed" });
    expect(updated?.disaster_recovery_role).toBe("failed");
    expect(sim.apiCalls("PUT")).toEqual([
      { method: "PUT", path: "/v1/project/p1/service/pg-a", body: { disaster_recovery_role: "failed" }, status: 200 },
    ]);
  });

  it("lists integrations; test support reads, creates and deletes them through the same request path", async () => {
    const c = new IntegrationClient({ baseUrl: url, token: TOKEN, backoffMs: 10, timeoutMs: 1000 });
    const [dr] = await c.listServiceIntegrations("p1", "pg-a");
    expect(dr).toMatchObject({
      integration_type: "disaster_recovery",
      source_service: "pg-a",
      dest_service: "pg-a-dr",
      active: true,
      enabled: true,
    });
    expect(await c.getIntegration("p1", dr.service_integration_id)).toEqual(dr);
    await c.deleteIntegration("p1", dr.service_integration_id);
    expect(await c.listServiceIntegrations("p1", "pg-a")).toEqual([]);
    const created = await c.createIntegration("p1", {
      integration_type: "disaster_recovery",
      source_service: "pg-a",
      dest_service: "pg-a-dr",
    });
    expect(created.source_service).toBe("pg-a");
  });

  it("retries 5xx answers with backoff until one succeeds", async () => {
    sim.faults.add({ kind: "status", status: 503, method: "GET", times: 3 });
    const retries: number[] = [];
    await client({ onRetry: (n) => retries.push(n) }).getService("p1", "pg-a");
    expect(retries).toEqual([1, 2, 3]);
    expect(sim.apiCalls("GET").map((c) => c.status)).toEqual([503, 503, 503, 200]);
  });

  it("gives up after the configured retries, carrying the API's message", async () => {
    sim.faults.add({ kind: "status", status: 500, method: "GET" });
    const err = await failure(client({ retries: 2 }).getService("p1", "pg-a"));
    expect(err).toBeInstanceOf(AivenApiError);
    expect(err.message).toBe(
      "GET /v1/project/p1/service/pg-a failed with HTTP 500: Service temporarily unavailable (injected)",
    );
    expect(err.isUnavailable).toBe(true);
    expect(sim.apiCalls("GET")).toHaveLength(3);
  });

  it("waits as long as Retry-After says on 429 before asking again", async () => {
    sim.faults.add({ kind: "rate-limit", retryAfterSeconds: 1, times: 1 });
    // A read arriving within most of that second is refused: a retry sent on the 10 ms backoff would meet it.
    sim.faults.add({ kind: "status", status: 503, method: "GET", after: { method: "GET" }, forMs: 900 });
    await client().getService("p1", "pg-a");
    expect(sim.apiCalls("GET").map((c) => c.status)).toEqual([429, 200]);
  });

  it("sends a role change ahead of polls already queued behind a saturated budget", async () => {
    // One request a second: the first poll goes at once, the others queue, and the role change comes last.
    const limited = client({ rateLimit: { limit: 1, windowMs: 1000 } });
    const polls = [0, 1, 2].map(() => limited.getService("p1", "pg-a"));
    const change = limited.updateService("p1", "pg-a-dr", { disaster_recovery_role: "active" });
    await Promise.all([...polls, change]);
    expect(sim.apiCalls().map((c) => `${c.method} ${c.path.split("/").pop()}`)).toEqual([
      "GET pg-a",
      "PUT pg-a-dr",
      "GET pg-a",
      "GET pg-a",
    ]);
  });

  it("sends a project's service list ahead of role changes already queued behind a saturated budget", async () => {
    // The list answers every pair of a region run at once: the pairs whose role change is done see their recovery while the others wait.
    const limited = client({ rateLimit: { limit: 1, windowMs: 1000 } });
    const first = limited.getService("p1", "pg-a");
    const changes = [
      limited.updateService("p1", "pg-a-dr", { disaster_recovery_role: "active" }),
      limited.updateService("p1", "pg-a", { disaster_recovery_role: "passive" }),
    ];
    const list = limited.listServices("p1");
    await Promise.allSettled([first, ...changes, list]);
    expect(sim.apiCalls().map((c) => `${c.method} ${c.path.replace("/v1/project/p1/", "")}`)).toEqual([
      "GET service/pg-a",
      "GET service",
      "PUT service/pg-a-dr",
      "PUT service/pg-a",
    ]);
  });

  it("with a budget per Aiven project, a project that has spent its limit does not hold back another project's requests", async () => {
    sim.model.addPair({ ...SIM_TEST_PAIR, project: "p2", primary: "pg-b", recovery: "pg-b-dr" });
    // One request an hour: with one budget for the token, the read of p2 would wait an hour behind p1's.
    const perProject = client({ rateLimit: { limit: 1, windowMs: 3_600_000 }, rateLimitPer: "project" });
    await perProject.getService("p1", "pg-a");
    await expect(perProject.getService("p2", "pg-b")).resolves.toMatchObject({ service_name: "pg-b" });
    expect(sim.apiCalls().map((c) => c.path)).toEqual(["/v1/project/p1/service/pg-a", "/v1/project/p2/service/pg-b"]);
  });

  it("takes the rate limit's scope from CRDR_API_RATE_LIMIT_PER, and refuses one it does not know", () => {
    const env = { AIVEN_TOKEN: TOKEN, AIVEN_WEB_URL: url };
    expect(AivenClient.fromEnv(env).rateLimitPer).toBe("token");
    expect(AivenClient.fromEnv({ ...env, CRDR_API_RATE_LIMIT_PER: "project" }).rateLimitPer).toBe("project");
    expect(() => AivenClient.fromEnv({ ...env, CRDR_API_RATE_LIMIT_PER: "projects" })).toThrow(
      new UserError(
        'CRDR_API_RATE_LIMIT_PER="projects" is neither token nor project; give project if each Aiven project has a limit of its own, or unset it for one limit per token.',
      ),
    );
  });

  it("retries a read whose answer came garbled (JSON cut short)", async () => {
    sim.faults.add({ kind: "garble", method: "GET", times: 2 });
    await expect(client().getService("p1", "pg-a")).resolves.toMatchObject({ service_name: "pg-a" });
    expect(sim.apiCalls("GET").map((c) => c.status)).toEqual([200, 200, 200]);
  });

  it("retries a read after a dropped connection", async () => {
    sim.faults.add({ kind: "drop", method: "GET", times: 1 });
    await expect(client().getService("p1", "pg-a")).resolves.toMatchObject({ service_name: "pg-a" });
  });

  it("does not resend a write after a dropped connection: it may have gone through", async () => {
    sim.faults.add({ kind: "drop", method: "PUT", times: 1 });
    const err = await failure(client().updateService("p1", "pg-a", { disaster_recovery_role: "failed" }));
    expect(err.kind).toBe("network");
    expect(sim.apiCalls("PUT")).toHaveLength(1);
  });

  it("times a slow request out", async () => {
    sim.faults.add({ kind: "slow", method: "GET", delayMs: 800 });
    const err = await failure(client({ timeoutMs: 200, retries: 1 }).getService("p1", "pg-a"));
    expect(err.kind).toBe("timeout");
    expect(err.message).toBe("GET /v1/project/p1/service/pg-a timed out");
  });

  it("reports a refused token as an auth failure without the token in the message", async () => {
    const err = await failure(client({ token: "not-the-token-999" }).getService("p1", "pg-a"));
    expect(err.isAuthFailure).toBe(true);
    expect(err.message).toBe("GET /v1/project/p1/service/pg-a failed with HTTP 401: Invalid token");
    expect(JSON.stringify(err)).not.toContain("not-the-token-999");
  });

  it("shows no token when printed, before its first request and after it", async () => {
    const c = client();
    expect(inspect(c, { depth: Infinity, showHidden: true })).not.toContain(TOKEN);
    await c.getService("p1", "pg-a");
    expect(inspect(c, { depth: Infinity, showHidden: true })).not.toContain(TOKEN);
    expect(JSON.stringify(c)).not.toContain(TOKEN);
  });

  it("reads its base URL and token from the environment, preferring AIVEN_TOKEN", () => {
    const c = AivenClient.fromEnv({ AIVEN_WEB_URL: "http://127.0.0.1:1/", AIVEN_TOKEN: "a", AIVEN_AUTH_TOKEN: "b" });
    expect(c.baseUrl).toBe("http://127.0.0.1:1");
    expect(AivenClient.fromEnv({ AIVEN_AUTH_TOKEN: "b" }).baseUrl).toBe("https://api.aiven.io");
    expect(() => AivenClient.fromEnv({})).toThrow(
      "No Aiven token is set; export AIVEN_TOKEN or AIVEN_AUTH_TOKEN with a token that can manage the project.",
    );
    expect(() => AivenClient.fromEnv({ AIVEN_TOKEN: "a", CRDR_API_RETRIES: "many" })).toThrow(
      /CRDR_API_RETRIES="many" is not a whole number of retries/,
    );
  });

  describe("writes are sent once, whatever happens to the answer", () => {
    it.each([
      ["a 503 that never clears", { kind: "status", status: 503, method: "PUT" }, "http", "ambiguous"],
      [
        "a gateway 504 after the change was applied",
        { kind: "apply-then-status", status: 504, method: "PUT" },
        "http",
        "ambiguous",
      ],
      [
        "a 500 after the change was applied (the last status that may hide work done)",
        { kind: "apply-then-status", status: 500, method: "PUT" },
        "http",
        "ambiguous",
      ],
      ["a 200 whose JSON is cut short", { kind: "garble", method: "PUT" }, "unexpected", "ambiguous"],
      [
        "a connection cut after the change was applied",
        { kind: "apply-then-drop", method: "PUT" },
        "network",
        "ambiguous",
      ],
      [
        "an answer slower than the timeout",
        { kind: "apply-then-slow", method: "PUT", delayMs: 600 },
        "timeout",
        "ambiguous",
      ],
      ["a 429", { kind: "rate-limit", method: "PUT", retryAfterSeconds: 1 }, "http", "refused"],
    ] as const)("%s: sent once", async (_name, fault, kind, outcome) => {
      sim.faults.add(fault);
      const err = await failure(
        client({ timeoutMs: 300 }).updateService("p1", "pg-a", { disaster_recovery_role: "failed" }),
      );
      expect(err.kind).toBe(kind);
      expect(classifyWriteFailure(err)).toBe(outcome);
      expect(sim.apiCalls("PUT")).toHaveLength(1);
    });

    it("classifies a 4xx refusal with Aiven's message as refused", async () => {
      sim.model.updateService("p1", "pg-a", { disaster_recovery_role: "failed" });
      const err = await failure(client().updateService("p1", "pg-a-dr", { disaster_recovery_role: "failed" }));
      expect(err.status).toBe(400);
      expect(err.apiMessage).toBe("Only the primary service can be failed");
      expect(classifyWriteFailure(err)).toBe("refused");
    });

    it("classifies a closed port as refused: nothing was sent", async () => {
      const closed = await freePort();
      const err = await failure(
        new AivenClient({ baseUrl: `http://127.0.0.1:${closed}`, token: TOKEN }).updateService("p1", "pg-a", {
          disaster_recovery_role: "failed",
        }),
      );
      expect(err.kind).toBe("unreachable");
      expect(classifyWriteFailure(err)).toBe("refused");
    });
  });

  describe("an AIVEN_WEB_URL that is not Aiven", () => {
    let other: http.Server;
    let otherUrl: string;
    beforeEach(async () => {
      other = http.createServer((req, res) => {
        const html = "<html><body>Welcome to the intranet</body></html>";
        res.writeHead(req.url?.includes("missing") ? 404 : 200, { "Content-Type": "text/html; charset=utf-8" });
        res.end(html);
      });
      await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
      otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    });
    afterEach(() => new Promise<void>((r) => other.close(() => r())));

    it("answers HTML with 200: a clear error naming AIVEN_WEB_URL, the status and the content type", async () => {
      const c = new AivenClient({ baseUrl: otherUrl, token: TOKEN, retries: 0 });
      const err = await failure(c.getService("p1", "pg-a"));
      expect(err.kind).toBe("unexpected");
      expect(err.isApiUnreachable).toBe(true);
      expect(err.message).toBe(
        "GET /v1/project/p1/service/pg-a answered HTTP 200 with text/html; charset=utf-8, not Aiven's JSON",
      );
      const sentence = c.unusableApi(err);
      expect(sentence).toBeInstanceOf(UserError);
      expect(sentence.message).toBe(
        `The Aiven API at AIVEN_WEB_URL=${otherUrl} cannot be used (GET /v1/project/p1/service/pg-a answered HTTP 200 with text/html; charset=utf-8, not Aiven's JSON); check AIVEN_WEB_URL (unset means https://api.aiven.io), the network, and HTTPS_PROXY/NO_PROXY.`,
      );
    });

    it("answers a 404 page that is not Aiven's JSON: not mistaken for a missing service", async () => {
      const err = await failure(
        new AivenClient({ baseUrl: `${otherUrl}/missing`, token: TOKEN, retries: 0 }).getService("p1", "pg-a"),
      );
      expect(err.kind).toBe("unexpected");
      expect(err.isNotFound).toBe(false);
    });
  });

  it("refuses an AIVEN_WEB_URL or proxy that is not a URL, naming the variable", () => {
    expect(() => AivenClient.fromEnv({ AIVEN_TOKEN: "a", AIVEN_WEB_URL: "api.aiven.io" })).toThrow(
      'AIVEN_WEB_URL="api.aiven.io" is not a URL; unset it to use https://api.aiven.io, or give the API\'s base URL such as https://api.aiven.io.',
    );
    expect(() => AivenClient.fromEnv({ AIVEN_TOKEN: "a", AIVEN_WEB_URL: "ftp://x" })).toThrow(
      /AIVEN_WEB_URL="ftp:\/\/x" is not an http\(s\) URL/,
    );
    expect(() => new AivenClient({ baseUrl: "https://api.aiven.io", token: "a", proxyUrl: "::nope" })).toThrow(
      /HTTPS_PROXY \(or HTTP_PROXY\)="::nope" is not a URL/,
    );
  });

  it("reads the wait of a 429 from Aiven's message when no Retry-After header comes", async () => {
    const bare = http.createServer((_req, res) => {
      const body = JSON.stringify({
        message: "Rate limit 120 exceeded - try again in 28s",
        errors: [{ message: "Rate limit 120 exceeded - try again in 28s", status: 429 }],
      });
      res.writeHead(429, { "Content-Type": "application/json" });
      res.end(body);
    });
    await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
    try {
      const err = await failure(
        new AivenClient({
          baseUrl: `http://127.0.0.1:${(bare.address() as AddressInfo).port}`,
          token: TOKEN,
          retries: 0,
        }).getService("p1", "pg-a"),
      );
      expect(err.retryAfterSeconds).toBe(28);
    } finally {
      await new Promise<void>((r) => bare.close(() => r()));
    }
  });

  it("bounds every wait between read retries, whatever Retry-After asks", async () => {
    expect(readRetryWaitMs(20, 3600, 200)).toBe(200);
    expect(readRetryWaitMs(20, 1, 60_000)).toBe(1000);
    expect(readRetryWaitMs(40, undefined, 60_000)).toBe(40);
    // And the client waits that bounded time, not the hour Aiven asked for (an hour would outlast the test).
    sim.faults.add({ kind: "rate-limit", retryAfterSeconds: 3600, times: 1 });
    await client({ maxDelayMs: 200 }).getService("p1", "pg-a");
    expect(sim.apiCalls("GET").map((c) => c.status)).toEqual([429, 200]);
  });

  describe("proxies", () => {
    let proxy: CountingProxy;
    const saved = { ...process.env };
    beforeEach(async () => {
      proxy = new CountingProxy();
      await proxy.start();
    });
    afterEach(async () => {
      for (const v of ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"]) {
        if (saved[v] === undefined) delete process.env[v];
        else process.env[v] = saved[v];
      }
      await proxy.stop();
    });

    it("goes through HTTP_PROXY from the environment", async () => {
      process.env.HTTP_PROXY = proxy.url;
      const service = await client().getService("p1", "pg-a");
      expect(service.service_name).toBe("pg-a");
      expect(proxy.requests).toEqual([`GET ${url}/v1/project/p1/service/pg-a`]);
      expect(client().proxy).toBe(proxy.url);
    });

    it("bypasses the proxy for hosts in NO_PROXY", async () => {
      process.env.HTTP_PROXY = proxy.url;
      process.env.NO_PROXY = "127.0.0.1";
      await client().getService("p1", "pg-a");
      expect(proxy.requests).toEqual([]);
      expect(sim.apiCalls("GET")).toHaveLength(1);
    });

    it("names the proxy when the API cannot be reached through it", async () => {
      const closed = await freePort();
      const c = new AivenClient({
        baseUrl: url,
        token: TOKEN,
        retries: 0,
        proxyUrl: `http://user:secret@127.0.0.1:${closed}`,
      });
      const err = await failure(c.getService("p1", "pg-a"));
      expect(c.unusableApi(err).message).toContain(`through the proxy http://127.0.0.1:${closed}`);
      expect(c.unusableApi(err).message).not.toContain("secret");
    });
  });
});

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
