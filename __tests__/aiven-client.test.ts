import { AivenApiError } from "../lib/aiven/aiven-api-error";
import { AivenClient } from "../lib/aiven/aiven-client";
import { SimServer } from "../lib/simulator/sim-server";

const TOKEN = "client-test-token-5150";
let sim: SimServer;
let url: string;

beforeEach(async () => {
  sim = new SimServer({ token: TOKEN });
  sim.model.addPair({ project: "p1", primary: "pg-a", recovery: "pg-a-dr", plan: "startup-4", primaryCloud: "google-europe-west1", recoveryCloud: "google-europe-north1" });
  url = await sim.start();
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
    expect(service).toMatchObject({ service_name: "pg-a-dr", state: "RUNNING", disaster_recovery_role: "passive", cloud_name: "google-europe-north1" });
  });

  it("sends a partial PUT body and returns the updated service", async () => {
    const updated = await client().updateService("p1", "pg-a", { disaster_recovery_role: "failed" });
    expect(updated.disaster_recovery_role).toBe("failed");
    expect(sim.apiCalls("PUT")).toEqual([{ method: "PUT", path: "/v1/project/p1/service/pg-a", body: { disaster_recovery_role: "failed" }, status: 200 }]);
  });

  it("lists, reads, creates and deletes integrations", async () => {
    const c = client();
    const [dr] = await c.listServiceIntegrations("p1", "pg-a");
    expect(dr).toMatchObject({ integration_type: "disaster_recovery", source_service: "pg-a", dest_service: "pg-a-dr", active: true, enabled: true });
    expect(await c.getIntegration("p1", dr.service_integration_id)).toEqual(dr);
    await c.deleteIntegration("p1", dr.service_integration_id);
    expect(await c.listServiceIntegrations("p1", "pg-a")).toEqual([]);
    const created = await c.createIntegration("p1", { integration_type: "disaster_recovery", source_service: "pg-a", dest_service: "pg-a-dr" });
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
    expect(err.message).toBe("GET /v1/project/p1/service/pg-a failed with HTTP 500: Service temporarily unavailable (injected)");
    expect(err.isUnavailable).toBe(true);
    expect(sim.apiCalls("GET")).toHaveLength(3);
  });

  it("waits as long as Retry-After says on 429", async () => {
    sim.faults.add({ kind: "rate-limit", retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    await client().getService("p1", "pg-a");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.apiCalls("GET").map((c) => c.status)).toEqual([429, 200]);
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

  it("reads its base URL and token from the environment, preferring AIVEN_TOKEN", () => {
    const c = AivenClient.fromEnv({ AIVEN_WEB_URL: "http://127.0.0.1:1/", AIVEN_TOKEN: "a", AIVEN_AUTH_TOKEN: "b" });
    expect(c.baseUrl).toBe("http://127.0.0.1:1");
    expect(AivenClient.fromEnv({ AIVEN_AUTH_TOKEN: "b" }).baseUrl).toBe("https://api.aiven.io");
    expect(() => AivenClient.fromEnv({})).toThrow("No Aiven token is set; export AIVEN_TOKEN or AIVEN_AUTH_TOKEN with a token that can manage the project.");
    expect(() => AivenClient.fromEnv({ AIVEN_TOKEN: "a", CRDR_API_RETRIES: "many" })).toThrow(/CRDR_API_RETRIES="many" is not a whole number of retries/);
  });
});
