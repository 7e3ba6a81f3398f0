import axios from "axios";
import { SimModel, SimRefusal } from "../lib/simulator/sim-model";
import { SimServer } from "../lib/simulator/sim-server";
import { MODEL_TEST_PAIR, simWithTestPair } from "./support/sim-test-pair";

const TOKEN = "sim-test-token-31337";

describe("the simulator's HTTP surface", () => {
  let sim: SimServer;
  let url: string;
  const http = () =>
    axios.create({ baseURL: url, validateStatus: () => true, headers: { Authorization: `aivenv1 ${TOKEN}` } });

  beforeEach(async () => {
    ({ sim, url } = await simWithTestPair({ token: TOKEN }));
  });
  afterEach(() => sim.stop());

  it("listens on 127.0.0.1 only", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("wraps a service in {service: …} with the CRDR fields", async () => {
    const res = await http().get("/v1/project/p1/service/pg-a");
    expect(res.status).toBe(200);
    expect(res.data.service).toMatchObject({
      service_name: "pg-a",
      state: "RUNNING",
      disaster_recovery_role: "active",
      plan: "startup-4",
      cloud_name: "google-europe-west1",
      service_integrations: [
        expect.objectContaining({
          integration_type: "disaster_recovery",
          source_service: "pg-a",
          dest_service: "pg-a-dr",
          source_project: "p1",
          dest_project: "p1",
        }),
      ],
    });
    expect(res.data.service.components).toContainEqual(expect.objectContaining({ usage: "disaster_recovery" }));
  });

  it("answers 401 with a JSON error body for a missing or wrong token, and accepts Bearer as the docs show", async () => {
    const missing = await axios.get(`${url}/v1/project/p1/service/pg-a`, { validateStatus: () => true });
    expect(missing.status).toBe(401);
    expect(missing.data).toEqual({
      message: "Authentication required",
      errors: [{ message: "Authentication required", status: 401 }],
    });
    const wrong = await axios.get(`${url}/v1/project/p1/service/pg-a`, {
      validateStatus: () => true,
      headers: { Authorization: "aivenv1 nope" },
    });
    expect(wrong.status).toBe(401);
    const bearer = await axios.get(`${url}/v1/project/p1/service/pg-a`, {
      validateStatus: () => true,
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(200);
  });

  it("answers 404 with a message for unknown projects, services and endpoints", async () => {
    expect((await http().get("/v1/project/nope/service/pg-a")).data.message).toBe("Project nope does not exist");
    expect((await http().get("/v1/project/p1/service/nope")).data.message).toBe("Service nope does not exist");
    expect((await http().get("/v1/nothing")).status).toBe(404);
  });

  it("injects a 5xx N times, then answers normally", async () => {
    sim.faults.add({ kind: "status", status: 502, path: "^/v1/project/p1/service/pg-a$", times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await http().get("/v1/project/p1/service/pg-a")).status);
    expect(statuses).toEqual([502, 502, 200]);
  });

  it("injects 429 with Retry-After", async () => {
    sim.faults.add({ kind: "rate-limit", retryAfterSeconds: 28, times: 1 });
    const res = await http().get("/v1/project/p1/service/pg-a");
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("28");
    expect(res.data.message).toBe("Rate limit 120 exceeded – try again in 28s");
  });

  it("drops connections", async () => {
    sim.faults.add({ kind: "drop", times: 1 });
    await expect(http().get("/v1/project/p1/service/pg-a")).rejects.toThrow();
    expect(sim.requests[0].status).toBe("dropped");
  });

  it("takes faults and pairs through its control endpoints", async () => {
    await axios.post(`${url}/_sim/faults`, { kind: "status", status: 500, times: 1 });
    await axios.post(`${url}/_sim/pairs`, {
      project: "p2",
      primary: "x",
      recovery: "x-dr",
      plan: "startup-4",
      primaryCloud: "aws-eu-west-1",
      recoveryCloud: "aws-eu-central-1",
    });
    expect((await http().get("/v1/project/p2/service/x")).status).toBe(500);
    expect((await http().get("/v1/project/p2/service/x")).data.service.disaster_recovery_role).toBe("active");
    const log = await axios.get(`${url}/_sim/requests`);
    expect(log.data.requests.map((r: any) => r.status)).toEqual([500, 200]);
  });

  it("creates a recovery service with a disaster_recovery integration, as avn --disaster-recovery-copy-for does", async () => {
    sim.model.addService({ project: "p1", name: "pg-b", plan: "startup-4", cloud: "google-europe-west1" });
    const res = await http().post("/v1/project/p1/service", {
      service_name: "pg-b-dr",
      cloud: "google-europe-west4",
      plan: "startup-4",
      service_type: "pg",
      service_integrations: [{ integration_type: "disaster_recovery", source_service: "pg-b", user_config: {} }],
    });
    expect(res.data.service).toMatchObject({
      service_name: "pg-b-dr",
      disaster_recovery_role: "passive",
      state: "RUNNING",
    });
    expect((await http().get("/v1/project/p1/service/pg-b")).data.service.disaster_recovery_role).toBe("active");
  });
});

describe("the simulator's CRDR transitions", () => {
  let clock = 0;
  const delays = { failoverMs: 100, rebuildMs: 200, rebalanceMs: 300, switchoverMs: 400, roleLagMs: 0 };
  const world = () => {
    clock = 0;
    const m = new SimModel(delays, () => clock);
    m.addPair(MODEL_TEST_PAIR);
    return m;
  };
  const peers = (m: SimModel) => {
    const view = (s: string) => `${m.getService("p", s).state}/${m.getService("p", s).disaster_recovery_role}`;
    return [view("pri"), view("rec")];
  };

  it("fails over: primary POWEROFF/failed, recovery RUNNING/active once promoted", () => {
    const m = world();
    m.updateService("p", "pri", { disaster_recovery_role: "failed" });
    expect(peers(m)).toEqual(["POWEROFF/failed", "REBALANCING/passive"]);
    clock = 100;
    expect(peers(m)).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("shows one Service URI and its credentials on both peers, and a read-only standby component of each peer's own, whatever the roles", () => {
    const m = world();
    const endpoints = () =>
      ["pri", "rec"].map((name) => {
        const s = m.getService("p", name);
        return {
          uri: s.service_uri,
          params: s.service_uri_params,
          shared: s.components!.filter((c) => c.usage === "primary"),
          standby: s.components!.filter((c) => c.usage === "disaster_recovery"),
        };
      });
    const [pri, rec] = endpoints();
    expect(pri.uri).toMatch(/^postgres:\/\/avnadmin:[^@]+@pri-p\.sim\.local:5432\/defaultdb\?sslmode=require$/);
    expect(rec.uri).toBe(pri.uri);
    expect(pri.params).toMatchObject({
      host: "pri-p.sim.local",
      port: "5432",
      user: "avnadmin",
      dbname: "defaultdb",
      sslmode: "require",
    });
    expect(pri.uri).toContain(`:${pri.params!.password}@`);
    expect(rec.shared).toEqual([
      { component: "pg", host: "pri-p.sim.local", port: 5432, route: "dynamic", usage: "primary" },
    ]);
    expect(pri.standby).toEqual([
      { component: "pg", host: "dr-pri-p.sim.local", port: 5432, route: "dynamic", usage: "disaster_recovery" },
    ]);
    expect(rec.standby).toEqual([
      { component: "pg", host: "dr-rec-p.sim.local", port: 5432, route: "dynamic", usage: "disaster_recovery" },
    ]);

    m.updateService("p", "rec", { disaster_recovery_role: "active" });
    clock = 1000;
    expect(m.getService("p", "rec").disaster_recovery_role).toBe("active");
    expect(endpoints()).toEqual([pri, rec]);
  });

  it("fails back in two steps: recreate the primary as passive, then take over", () => {
    const m = world();
    m.updateService("p", "pri", { disaster_recovery_role: "failed" });
    clock = 100;
    m.updateService("p", "pri", { disaster_recovery_role: "passive" });
    expect(peers(m)).toEqual(["REBUILDING/passive", "RUNNING/active"]);
    clock = 300;
    expect(peers(m)).toEqual(["RUNNING/passive", "RUNNING/active"]);
    m.updateService("p", "pri", { disaster_recovery_role: "active" });
    expect(peers(m)).toEqual(["RUNNING/active", "REBALANCING/passive"]);
    clock = 600;
    expect(peers(m)).toEqual(["RUNNING/active", "RUNNING/passive"]);
  });

  it("switches over and back without data loss", () => {
    const m = world();
    m.updateService("p", "rec", { disaster_recovery_role: "active" });
    expect(peers(m)).toEqual(["REBALANCING/passive", "RUNNING/active"]);
    clock = 400;
    expect(peers(m)).toEqual(["RUNNING/passive", "RUNNING/active"]);
    m.updateService("p", "pri", { disaster_recovery_role: "active" });
    clock = 700;
    expect(peers(m)).toEqual(["RUNNING/active", "RUNNING/passive"]);
  });

  it("refuses to fail anything but the primary, and unknown roles", () => {
    const m = world();
    expect(() => m.updateService("p", "rec", { disaster_recovery_role: "failed" })).toThrow(
      new SimRefusal(400, "Only the primary service can be failed"),
    );
    expect(() => m.updateService("p", "pri", { disaster_recovery_role: "standby" })).toThrow(
      /Invalid disaster_recovery_role "standby"/,
    );
  });

  it("refuses a takeover by a peer that is still rebuilding", () => {
    const m = world();
    m.updateService("p", "pri", { disaster_recovery_role: "failed" });
    clock = 100;
    m.updateService("p", "pri", { disaster_recovery_role: "passive" });
    expect(() => m.updateService("p", "pri", { disaster_recovery_role: "active" })).toThrow(
      /pri is REBUILDING\/passive: a disaster recovery transition is in progress/,
    );
  });

  it("treats a repeated role change as a no-op once the transition is over", () => {
    const m = world();
    m.updateService("p", "pri", { disaster_recovery_role: "failed" });
    clock = 100;
    m.updateService("p", "pri", { disaster_recovery_role: "failed" });
    expect(peers(m)).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("answers 409 to a role change while a transition is in progress, or accepts it and changes nothing", () => {
    const m = world();
    m.updateService("p", "pri", { disaster_recovery_role: "failed" });
    expect(() => m.updateService("p", "pri", { disaster_recovery_role: "failed" })).toThrow(
      new SimRefusal(
        409,
        "Service pri is POWEROFF/failed: a disaster recovery transition is in progress; wait for it to finish",
      ),
    );
    m.behaviour = { ...m.behaviour, whileBusy: "accept" };
    m.updateService("p", "pri", { disaster_recovery_role: "failed" });
    clock = 100;
    expect(peers(m)).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("refuses a second disaster_recovery integration for a pair", () => {
    const m = world();
    expect(() =>
      m.createIntegration("p", { integration_type: "disaster_recovery", source_service: "pri", dest_service: "rec" }),
    ).toThrow(/already has a disaster_recovery integration/);
  });
});

describe("the simulator's intermediate states", () => {
  let clock = 0;
  const world = (roleLagMs: number) => {
    clock = 0;
    const m = new SimModel(
      { failoverMs: 100, rebuildMs: 200, rebalanceMs: 300, switchoverMs: 400, roleLagMs },
      () => clock,
    );
    m.addPair(MODEL_TEST_PAIR);
    return m;
  };
  const peers = (m: SimModel) =>
    ["pri", "rec"].map((s) => `${m.getService("p", s).state}/${m.getService("p", s).disaster_recovery_role}`);

  it("shows a failover as a transitional state with the old role first, then the roles flip", () => {
    const m = world(50);
    const answer = m.updateService("p", "pri", { disaster_recovery_role: "failed" });
    expect(answer).toMatchObject({ state: "REBALANCING", disaster_recovery_role: "active" });
    expect(peers(m)).toEqual(["REBALANCING/active", "RUNNING/passive"]);
    clock = 50;
    expect(peers(m)).toEqual(["POWEROFF/failed", "REBALANCING/passive"]);
    clock = 150;
    expect(peers(m)).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("shows each revert step and a switchover passing through REBUILDING and REBALANCING", () => {
    const m = world(50);
    m.updateService("p", "pri", { disaster_recovery_role: "failed" });
    clock = 150;
    m.updateService("p", "pri", { disaster_recovery_role: "passive" });
    expect(peers(m)).toEqual(["REBUILDING/failed", "RUNNING/active"]);
    clock = 200;
    expect(peers(m)).toEqual(["REBUILDING/passive", "RUNNING/active"]);
    clock = 400;
    expect(peers(m)).toEqual(["RUNNING/passive", "RUNNING/active"]);
    m.updateService("p", "pri", { disaster_recovery_role: "active" });
    expect(peers(m)).toEqual(["REBALANCING/passive", "RUNNING/active"]);
    clock = 450;
    expect(peers(m)).toEqual(["RUNNING/active", "REBALANCING/passive"]);
    clock = 750;
    expect(peers(m)).toEqual(["RUNNING/active", "RUNNING/passive"]);
    m.updateService("p", "rec", { disaster_recovery_role: "active" });
    expect(peers(m)).toEqual(["RUNNING/active", "REBALANCING/passive"]);
    clock = 800;
    expect(peers(m)).toEqual(["REBALANCING/passive", "RUNNING/active"]);
  });

  it("can swap the DR link's ends to follow the active role, keeping its id", () => {
    const m = world(0);
    m.behaviour = { ...m.behaviour, swapLinkOnTakeover: true };
    const [before] = m.listIntegrations("p", "pri");
    m.updateService("p", "rec", { disaster_recovery_role: "active" });
    const [after] = m.listIntegrations("p", "pri");
    expect(after).toMatchObject({
      service_integration_id: before.service_integration_id,
      source_service: "rec",
      dest_service: "pri",
    });
    clock = 400;
    m.updateService("p", "pri", { disaster_recovery_role: "active" });
    expect(m.listIntegrations("p", "pri")[0]).toMatchObject({ source_service: "pri", dest_service: "rec" });
    // The primary stays the one that can be failed, whichever way the link points.
    clock = 800;
    m.updateService("p", "rec", { disaster_recovery_role: "active" });
    clock = 1200;
    expect(() => m.updateService("p", "rec", { disaster_recovery_role: "failed" })).toThrow(
      /Only the primary service can be failed/,
    );
  });
});

describe("the simulator's faults after the change was applied", () => {
  let sim: SimServer;
  let url: string;
  const put = () =>
    axios.put(
      `${url}/v1/project/p1/service/pg-a`,
      { disaster_recovery_role: "failed" },
      { validateStatus: () => true, headers: { Authorization: `aivenv1 ${TOKEN}` }, timeout: 300 },
    );
  beforeEach(async () => {
    ({ sim, url } = await simWithTestPair({ token: TOKEN }));
  });
  afterEach(() => sim.stop());
  const role = () => sim.model.getService("p1", "pg-a").disaster_recovery_role;

  it("apply-then-drop: the change happens and the connection is cut", async () => {
    sim.faults.add({ kind: "apply-then-drop", method: "PUT", times: 1 });
    await expect(put()).rejects.toThrow();
    expect(role()).toBe("failed");
    expect(sim.requests.map((r) => r.status)).toEqual(["dropped"]);
  });

  it("apply-then-status: the change happens and a gateway answers 502 with an HTML page", async () => {
    sim.faults.add({ kind: "apply-then-status", status: 502, method: "PUT", times: 1 });
    const res = await put();
    expect(res.status).toBe(502);
    expect(res.headers["content-type"]).toBe("text/html");
    expect(role()).toBe("failed");
  });

  it("apply-then-slow: the change happens and the answer comes after the client gave up", async () => {
    sim.faults.add({ kind: "apply-then-slow", method: "PUT", delayMs: 1000, times: 1 });
    await expect(put()).rejects.toThrow(/timeout/);
    expect(role()).toBe("failed");
  });

  it("drop and status before the API: nothing is applied", async () => {
    sim.faults.add({ kind: "drop", method: "PUT", times: 1 });
    sim.faults.add({ kind: "status", status: 503, method: "PUT", times: 1 });
    await expect(put()).rejects.toThrow();
    expect((await put()).status).toBe(503);
    expect(role()).toBe("active");
  });

  it("lists a project's services with state and role", async () => {
    const res = await axios.get(`${url}/v1/project/p1/service`, { headers: { Authorization: `aivenv1 ${TOKEN}` } });
    expect(res.data.services.map((s: any) => [s.service_name, s.state, s.disaster_recovery_role])).toEqual([
      ["pg-a", "RUNNING", "active"],
      ["pg-a-dr", "RUNNING", "passive"],
    ]);
  });
});

describe("the simulator can disagree with what it accepted", () => {
  let sim: SimServer;
  let url: string;
  let clock = 0;
  const auth = { Authorization: `aivenv1 ${TOKEN}` };
  const put = (service = "pg-a", role = "failed") =>
    axios.put(
      `${url}/v1/project/p1/service/${service}`,
      { disaster_recovery_role: role },
      { validateStatus: () => true, headers: auth },
    );
  const get = (service = "pg-a") =>
    axios.get(`${url}/v1/project/p1/service/${service}`, { validateStatus: () => true, headers: auth });
  /** Both peers as the API answers them, `state/role`, or the status when unreadable. */
  const read = async () =>
    Promise.all(
      ["pg-a", "pg-a-dr"].map(async (s) => {
        const res = await get(s).catch(() => ({ status: "reset" as const, data: undefined }));
        return res.status === 200
          ? `${res.data.service.state}/${res.data.service.disaster_recovery_role}`
          : String(res.status);
      }),
    );
  beforeEach(async () => {
    clock = 0;
    ({ sim, url } = await simWithTestPair({
      token: TOKEN,
      clock: () => clock,
      delays: { roleLagMs: 50, failoverMs: 100 },
    }));
  });
  afterEach(() => sim.stop());

  it("delayed-visibility: accepts a role change, shows the pair as it was until visibleAfterMs, then the transition", async () => {
    sim.faults.add({ kind: "delayed-visibility", method: "PUT", visibleAfterMs: 1000, times: 1 });
    const answer = await put();
    expect(answer.status).toBe(200);
    expect(answer.data.service).toMatchObject({ state: "RUNNING", disaster_recovery_role: "active" });
    clock = 999;
    expect(await read()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    clock = 1000;
    expect(await read()).toEqual(["REBALANCING/active", "RUNNING/passive"]);
    clock = 1150;
    expect(await read()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("delayed-visibility: the accepted, unseen change keeps the pair busy, and its answer can be lost", async () => {
    sim.faults.add({ kind: "delayed-visibility", method: "PUT", visibleAfterMs: 1000, answer: "drop", times: 1 });
    await expect(put()).rejects.toThrow();
    expect(await read()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    const again = await put();
    expect(again.status).toBe(409);
    expect(again.data.message).toMatch(/transition is in progress/);
    expect(sim.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual(["dropped", 409]);
  });

  it("unreadable: reads answer 503 (or the connection is reset) for forMs from the request that arms it, then answer again", async () => {
    sim.faults.add({ kind: "unreadable", path: "pg-a$", after: { method: "PUT" }, forMs: 500 });
    sim.faults.add({ kind: "unreadable", path: "pg-a-dr$", reset: true, after: { method: "PUT" }, forMs: 500 });
    expect(await read()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    clock = 100;
    expect((await put()).status).toBe(200);
    clock = 599;
    expect(await read()).toEqual(["503", "reset"]);
    clock = 600;
    expect(await read()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("arms a timed fault only on the request its `after` names, body included", async () => {
    sim.faults.add({
      kind: "unreadable",
      path: "pg-a-dr$",
      after: { method: "PUT", body: '"disaster_recovery_role":"active"' },
      forMs: 1000,
    });
    expect((await put("pg-a", "failed")).status).toBe(200);
    expect(await read()).toEqual(["REBALANCING/active", "RUNNING/passive"]);
    clock = 200;
    expect((await put("pg-a", "passive")).status).toBe(200);
    expect((await put("pg-a", "active")).status).toBe(409); // still rebuilding; the request arms the fault all the same
    expect(await read()).toEqual(["REBUILDING/failed", "503"]);
  });

  it("conflict-while-moving: the transition starts and the request is answered 409", async () => {
    sim.faults.add({ kind: "conflict-while-moving", method: "PUT", times: 1 });
    const res = await put();
    expect(res.status).toBe(409);
    expect(res.data).toMatchObject({
      message:
        "Service pg-a is REBALANCING/active: a disaster recovery transition is in progress; wait for it to finish",
      errors: [{ status: 409 }],
    });
    expect(await read()).toEqual(["REBALANCING/active", "RUNNING/passive"]);
  });

  it("accept-and-ignore: answers 200 with the service as it is and changes nothing, ever", async () => {
    sim.faults.add({ kind: "accept-and-ignore", method: "PUT", times: 1 });
    const res = await put();
    expect(res.status).toBe(200);
    expect(res.data.service).toMatchObject({ state: "RUNNING", disaster_recovery_role: "active" });
    clock = 60_000;
    expect(await read()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    expect((await put()).status).toBe(200);
    expect(await read()).toEqual(["REBALANCING/active", "RUNNING/passive"]);
  });

  it("stale-reads: answers what the path answered staleMs ago, for forMs, then the truth", async () => {
    expect(await read()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    clock = 10;
    await put();
    clock = 200;
    expect(await read()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    sim.faults.add({ kind: "stale-reads", method: "GET", staleMs: 150, forMs: 1000 });
    clock = 300;
    // The newest answers at least 150 ms old: the ones from clock 0 (200 is too recent).
    expect(await read()).toEqual(["RUNNING/active", "RUNNING/passive"]);
    clock = 360;
    expect(await read()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    clock = 1300;
    expect(await read()).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });

  it("transition-ends: the service a matching request names ends its transition before the answer", async () => {
    await put();
    expect(await read()).toEqual(["REBALANCING/active", "RUNNING/passive"]);
    // Armed by a later PUT (none yet): reads of the recovery see its transition run at the clock's pace.
    sim.faults.add({ kind: "transition-ends", method: "GET", path: "pg-a-dr$", after: { method: "PUT" } });
    expect(await read()).toEqual(["REBALANCING/active", "RUNNING/passive"]);
    await put("pg-a-dr", "active"); // refused (409): the pair is busy; it arms the fault all the same
    expect(await read()).toEqual(["REBALANCING/active", "RUNNING/active"]);
    expect(sim.model.getService("p1", "pg-a").state).toBe("REBALANCING"); // its peer, not named, still moves
  });

  it("refuses an unknown fault kind and a bad pattern when added", () => {
    expect(() => sim.faults.add({ kind: "nope" as never })).toThrow('unknown fault kind "nope"');
    expect(() => sim.faults.add({ kind: "unreadable", after: { path: "(" } })).toThrow(/Invalid regular expression/);
  });
});
