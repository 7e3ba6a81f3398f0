import { DR_OPERATIONS, peers, runOperation, SHORT_TRANSITIONS } from "./support/dr-operations";
import { useDrScenario } from "./support/dr-scenario";

/**
 * A wait says where it stands at least every 30 s even when nothing changes
 * (a revert can wait for hours): the time waited, readable, and each peer.
 * The heartbeat is shortened here (CRDR_HEARTBEAT_MS) and the takeover held
 * at Aiven until the run has shown three of them.
 */
const scenario = useDrScenario("tok-heartbeat-0c4e2a");
const failover = DR_OPERATIONS[0];
const HELD_LINE = "pg-primary-dr: RUNNING/passive; pg-primary: REBALANCING/active";

async function heldFailover(args: string[], shown: (stdout: string) => number) {
  await failover.arrange(scenario);
  scenario.sim.model.delays = { ...SHORT_TRANSITIONS, roleLagMs: 3_600_000 };
  let released = false;
  const run = await runOperation(
    scenario,
    "failover",
    ["--poll-interval", "1s", ...args],
    { CRDR_HEARTBEAT_MS: "200" },
    (child) => {
      let stdout = "";
      child.stdout!.on("data", (d: Buffer) => {
        stdout += d;
        if (released || shown(stdout) < 3) return;
        released = true;
        for (const name of ["pg-primary", "pg-primary-dr"]) scenario.sim.model.finishTransition("crdr-test", name);
      });
    },
  );
  expect(released).toBe(true);
  expect(run.code).toBe(0);
  expect(peers(scenario)).toEqual(failover.end);
  return run;
}

describe("waiting for Aiven", () => {
  it("prints a heartbeat with the readable time waited and both peers while nothing changes", async () => {
    const heartbeat = new RegExp(`^ {2}… (\\d[\\dhms]*): ${HELD_LINE.replace(/\//g, "\\/")}$`, "gm");
    const run = await heldFailover([], (stdout) => (stdout.match(heartbeat) ?? []).length);
    const elapsed = [...run.stdout.matchAll(heartbeat)].map((m) => m[1]);
    expect(elapsed.length).toBeGreaterThanOrEqual(3);
    for (const e of elapsed) expect(e).toMatch(/^(\d+ms|(\d+h)?(\d+m)?(\d+s)?)$/);
  });

  it("emits progress events at the same pace in --json, with the time waited and each peer", async () => {
    const held = (stdout: string) =>
      stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l))
        .filter((e) => e.type === "progress" && e.message.endsWith(HELD_LINE));
    const run = await heldFailover(["--json"], (stdout) => held(stdout.slice(0, stdout.lastIndexOf("\n") + 1)).length);
    const events = held(run.stdout);
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const e of events) {
      expect(e).toMatchObject({
        primary: expect.objectContaining({ state: "REBALANCING" }),
        recovery: expect.objectContaining({ state: "RUNNING" }),
      });
      expect(e.elapsed).toMatch(/^(\d+ms|(\d+h)?(\d+m)?(\d+s)?)$/);
      expect(e.message).toBe(`${e.elapsed}: ${HELD_LINE}`);
    }
  });
});
