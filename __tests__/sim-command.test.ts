import axios from "axios";
import { ProjectFixture, runScript } from "./support/project-fixture";
import { SimulatorProcess, startSimulatorProcess } from "./support/simulator-process";

/** `npm run sim` as a user starts it, with Aiven's rate limit enforced. */
const TOKEN = "tok-sim-cmd-7c21";
let project: ProjectFixture;
let sim: SimulatorProcess | undefined;

beforeEach(() => {
  project = ProjectFixture.create();
});
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  project.remove();
});

describe("npm run sim -- --rate-limit", () => {
  it("answers 429 with Aiven's message and Retry-After past the limit, counting every API request", async () => {
    sim = await startSimulatorProcess(project.dir, { token: TOKEN, delayMs: 100, roleLagMs: 0, rateLimit: "3/60s" });
    const get = () =>
      axios.get(`${sim!.url}/v1/project/p1/service`, {
        headers: { Authorization: `aivenv1 ${TOKEN}` },
        validateStatus: () => true,
      });
    // Nothing is seeded (nothing synthesized): the project is unknown, but each request still counts.
    const within = [await get(), await get(), await get()];
    expect(within.map((r) => r.status)).toEqual([404, 404, 404]);
    const past = await get();
    expect(past.status).toBe(429);
    expect(past.data.message).toMatch(
      /^The user has sent too many requests in a given amount of time: Rate limit 3 exceeded - try again in \d+s$/,
    );
    expect(past.data.errors).toEqual([{ message: past.data.message, status: 429 }]);
    expect(Number(past.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("with --rate-limit-per project, counts each Aiven project's requests apart", async () => {
    sim = await startSimulatorProcess(project.dir, {
      token: TOKEN,
      delayMs: 100,
      roleLagMs: 0,
      rateLimit: "2/60s",
      rateLimitPer: "project",
    });
    const get = (p: string) =>
      axios.get(`${sim!.url}/v1/project/${p}/service`, {
        headers: { Authorization: `aivenv1 ${TOKEN}` },
        validateStatus: () => true,
      });
    const statuses = [
      await get("p1"),
      await get("p1"),
      await get("p2"),
      await get("p2"),
      await get("p1"),
      await get("p2"),
    ].map((r) => r.status);
    expect(statuses).toEqual([404, 404, 404, 404, 429, 429]);
  });

  it("refuses a rate it cannot read, naming it, with exit 2", async () => {
    const run = await runScript(project, "sim", ["--port", "0", "--rate-limit", "fast"], {}, (child) => {
      // Were the value taken, the simulator would run until stopped.
      child.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("listening on")) child.kill("SIGINT");
      });
    });
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain(
      '--rate-limit "fast" is not a rate; give requests per window such as 120/60s.',
    );
  });
});
