import * as http from "http";
import { AddressInfo } from "net";
import { useDrScenario } from "./support/dr-scenario";
import { DR_OPERATIONS, faultOn, runOperation, SHORT_TRANSITIONS } from "./support/dr-operations";
import { GatingProxy } from "./support/gating-proxy";

/**
 * The API misbehaving in ways that must neither repeat a write nor hold a
 * run for nothing: a rate limit that never clears, a redirect, a token
 * revoked mid-wait; and AIVEN_WEB_URL values that must not leak or mislead.
 */
const TOKEN = "tok-api-edges-9e41b6d0";
const scenario = useDrScenario(TOKEN);
const puts = () => scenario.sim.apiCalls("PUT");
const FAILOVER_PUT = DR_OPERATIONS[0].puts[0];

let proxy: GatingProxy | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

beforeEach(async () => {
  await DR_OPERATIONS[0].arrange(scenario);
  scenario.sim.model.delays = SHORT_TRANSITIONS;
});

describe("a role change", () => {
  it("rate-limited without end is sent less and less often, and the refusals are counted", async () => {
    scenario.sim.faults.add(faultOn(FAILOVER_PUT, { kind: "rate-limit", retryAfterSeconds: 1 }));
    const run = await runOperation(scenario, "failover", ["--timeout", "8s"]);
    // Waits of 1, 1, 1, 2 and then 4 s (cut to what is left) fill the 8 s: six requests at most, not one a second.
    expect(puts().length).toBeLessThanOrEqual(6);
    expect(run.stdout).toMatch(
      /it was not taken \(3 refused so far\)\. Waiting 1s, .*\n.*it was not taken \(4 refused so far\)\. Waiting 2s/,
    );
    expect(run.stderr).toMatch(
      new RegExp(
        `^✖ Aiven rate-limited PUT /v1/project/crdr-test/service/pg-primary \\{"disaster_recovery_role":"failed"\\} ${puts().length} times in a row, for longer than --timeout, and never took it; nothing was changed\\.`,
      ),
    );
    expect(run.code).toBe(2);
  });

  it("is never sent again where a redirect points: refused with nothing applied, naming AIVEN_WEB_URL", async () => {
    proxy = new GatingProxy(scenario.env.AIVEN_WEB_URL!, (method) =>
      method === "PUT" ? { kind: "redirect", status: 307, location: scenario.env.AIVEN_WEB_URL! } : undefined,
    );
    const run = await runOperation(scenario, "failover", [], { AIVEN_WEB_URL: await proxy.start() });
    expect(puts()).toEqual([]);
    expect(run.stderr).toMatch(
      /^✖ Aiven refused pg-primary → failed \(PUT \/v1\/project\/crdr-test\/service\/pg-primary was redirected \(HTTP 307 to http:\/\/127\.0\.0\.1:\d+\/v1\/project\/crdr-test\/service\/pg-primary\), which is not followed: the Aiven API does not redirect, so check AIVEN_WEB_URL\); that request changed nothing/,
    );
    expect(run.code).toBe(2);
  });
});

describe("a token revoked after the role change", () => {
  it("ends the wait at once with exit 6, saying the token was refused", async () => {
    let revoked = false;
    proxy = new GatingProxy(scenario.env.AIVEN_WEB_URL!, (method) =>
      method === "PUT"
        ? { kind: "hold-answer" }
        : revoked
          ? { kind: "status", status: 401, message: "Invalid token" }
          : undefined,
    );
    const running = runOperation(scenario, "failover", ["--timeout", "30m"], {
      AIVEN_WEB_URL: await proxy.start(),
      CRDR_API_TIMEOUT_MS: "120000",
    });
    await proxy.answerHeld();
    revoked = true;
    proxy.release();
    const run = await running;
    expect(run.stderr).toMatch(
      /^✖ Aiven has failed pg-primary over to pg-primary-dr, but the wait for Aiven to finish did not complete: The Aiven API refused the token \(GET .* failed with HTTP 401: Invalid token\); set AIVEN_TOKEN to a valid token/,
    );
    expect(run.code).toBe(6);
    expect(puts()).toHaveLength(1);
  });
});

describe("AIVEN_WEB_URL", () => {
  it("with credentials in it: they are never printed", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const run = await runOperation(scenario, "failover", [], {
      AIVEN_WEB_URL: `http://apiuser:pa55word-9f3e@127.0.0.1:${port}`,
    });
    expect(run.stderr).toMatch(
      new RegExp(`The Aiven API at AIVEN_WEB_URL=http://127\\.0\\.0\\.1:${port} cannot be used`),
    );
    expect(run.stdout + run.stderr).not.toMatch(/pa55word-9f3e|apiuser/);
    expect(run.code).toBe(2);
  });

  it("ending in /v1 is explained, not reported as a missing service", async () => {
    const run = await runOperation(scenario, "failover", [], { AIVEN_WEB_URL: `${scenario.env.AIVEN_WEB_URL}/v1` });
    expect(run.stderr).toMatch(
      /^✖ AIVEN_WEB_URL="http:\/\/127\.0\.0\.1:\d+\/v1" ends in \/v1, which every request path already starts with; give the API's base URL without it/,
    );
    expect(run.code).toBe(2);
    expect(scenario.sim.apiCalls()).toEqual([]);
  });
});

describe("SIGTERM", () => {
  it("exits 143 saying how to resume", async () => {
    const run = await runOperation(scenario, "failover", [], {}, (child) => {
      child.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("▶ preflight")) child.kill("SIGTERM");
      });
    });
    expect(run.stderr).toMatch(/✖ Terminated \(SIGTERM\); rerun the same command to resume/);
    expect(run.code).toBe(143);
  });
});
