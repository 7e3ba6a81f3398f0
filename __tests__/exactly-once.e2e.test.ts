import * as fs from "fs";
import * as path from "path";
import { useDrScenario } from "./support/dr-scenario";
import {
  DR_OPERATIONS,
  faultOn,
  peers,
  PRIMARY,
  PROJECT,
  putsFor,
  ROLE_PUTS,
  runOperation,
  SHORT_TRANSITIONS,
} from "./support/dr-operations";
import { makeImmutable } from "./support/immutable";
import { ChildProcess } from "child_process";
import { ProjectFixture, runScript, ScriptRun, STACK } from "./support/project-fixture";
import { waitFor } from "./support/wait-for";

/**
 * The irreversible step: every role change is sent exactly once, whatever
 * happens to its answer, to the process, or to the operators; and a failure
 * after it says what already happened at Aiven.
 */
const scenario = useDrScenario("tok-once-3f9a1c7e55");

const totalPuts = () => scenario.sim.apiCalls("PUT").length;
const phase = () => scenario.project.phases()[STACK];

async function arrange(operation: (typeof DR_OPERATIONS)[number]) {
  await operation.arrange(scenario);
  scenario.sim.model.delays = SHORT_TRANSITIONS;
}

describe.each(ROLE_PUTS)("$name", ({ operation, put }) => {
  beforeEach(() => arrange(operation));

  it.each([
    ["the answer comes after the client's timeout", { kind: "apply-then-slow", delayMs: 4000 }],
    ["the connection is cut after Aiven applied it", { kind: "apply-then-drop" }],
    ["a gateway answers 504 for work Aiven did", { kind: "apply-then-status", status: 504 }],
  ] as const)("sends it once when %s, and ends where it should", async (_name, fault) => {
    scenario.sim.faults.add(faultOn(put, { ...fault, times: 1 }));
    const run = await runOperation(scenario, operation.script);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(putsFor(scenario, put)).toHaveLength(1);
    expect(totalPuts()).toBe(operation.puts.length);
    expect(run.stdout).toMatch(/Aiven applied it although the answer was lost \(.+\); not sending it again/);
    expect(peers(scenario)).toEqual(operation.end);
    expect(phase().phase).toBe(operation.phase);
  });

  it("stops with exit 3 and sends nothing more when its answer is lost and neither peer can be read through the grace period", async () => {
    scenario.sim.faults.add(faultOn(put, { kind: "apply-then-drop", times: 1 }));
    const { method, path, body } = faultOn(put, { kind: "unreadable" });
    scenario.sim.faults.add({ kind: "unreadable", after: { method, path, body }, forMs: 60_000 });
    const run = await runOperation(scenario, operation.script);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /the peers did not show whether Aiven applied it \(pg-primary-dr: unreadable; pg-primary: unreadable\)\. Rerun the same command: it reads both peers first and sends nothing until it knows\./,
    );
    expect(putsFor(scenario, put)).toHaveLength(1);
    expect(totalPuts()).toBe(operation.puts.indexOf(put) + 1);
  });

  it("resolves a SIGKILL while the request is in flight by reading, and the rerun sends nothing more", async () => {
    scenario.sim.faults.add(faultOn(put, { kind: "apply-then-slow", delayMs: 30_000, times: 1 }));
    const killed = await runOperation(scenario, operation.script, [], {}, (child) => {
      const timer = setInterval(() => {
        if (putsFor(scenario, put).length) {
          clearInterval(timer);
          child.kill("SIGKILL");
        }
      }, 10);
      child.on("exit", () => clearInterval(timer));
    });
    expect(killed.signal).toBe("SIGKILL");
    const journal = fs.readFileSync(path.join(scenario.project.dir, ".crdr", "journal", `${STACK}.jsonl`), "utf8");
    expect(journal).toContain(`"event":"role-intent","side":"${put.side}","role":"${put.role}"`);

    const rerun = await runOperation(scenario, operation.script);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/never learned the outcome; reading both peers/);
    expect(putsFor(scenario, put)).toHaveLength(1);
    expect(totalPuts()).toBe(operation.puts.length);
    expect(peers(scenario)).toEqual(operation.end);
  });
});

describe.each(DR_OPERATIONS)("$script", (operation) => {
  beforeEach(() => arrange(operation));

  it("refuses a second run started at the same time, naming the holder; one PUT per role change", async () => {
    scenario.sim.model.delays = {
      ...SHORT_TRANSITIONS,
      failoverMs: 1500,
      rebuildMs: 1500,
      rebalanceMs: 1500,
      switchoverMs: 1500,
    };
    const [a, b] = await Promise.all([
      runOperation(scenario, operation.script),
      runOperation(scenario, operation.script),
    ]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 2]);
    const loser = a.code === 2 ? a : b;
    expect(loser.stderr).toMatch(
      new RegExp(
        `^✖ Another DR operation is running on ${STACK}: \\S+@\\S+ \\(pid \\d+\\) has been running ${operation.script} since \\S+ \\(run [0-9a-f-]+\\); wait for it to finish`,
      ),
    );
    expect(loser.stderr).toMatch(/Nothing was sent to Aiven\.\n$/);
    expect(totalPuts()).toBe(operation.puts.length);
    expect(peers(scenario)).toEqual(operation.end);
  });

  it("fails after the change with exit 6 and a message that leads with what Aiven did; a rerun finishes without sending it again", async () => {
    // The phase file turns unwritable once the role change has reached Aiven.
    let lock: { undo: () => void } | undefined;
    const run = await runOperation(scenario, operation.script, [], {}, (child) => {
      const timer = setInterval(() => {
        if (totalPuts() >= operation.puts.length) {
          clearInterval(timer);
          lock = makeImmutable(scenario.project.phaseFile());
        }
      }, 10);
      child.on("exit", () => clearInterval(timer));
    });
    lock?.undo();
    expect(lock).toBeDefined();
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(operation.changed);
    expect(run.stderr).toMatch(/, but the phase file was not updated: .*EPERM/);
    expect(run.stderr).toContain(
      `rerun \`npm run ${operation.script} -- --stack ${STACK}\`: it finishes the rest and will not send the role change again`,
    );

    const rerun = await runOperation(scenario, operation.script);
    expect(rerun.code).toBe(0);
    expect(totalPuts()).toBe(operation.puts.length);
    expect(phase().phase).toBe(operation.phase);
  });

  it("resends once, and says so, only when the grace period shows both peers exactly as before", async () => {
    // Dropped before it reached Aiven: nothing happens, so after the grace period it goes out again.
    const first = operation.puts[0];
    scenario.sim.faults.add(faultOn(first, { kind: "drop", times: 1 }));
    const run = await runOperation(scenario, operation.script, ["--lost-answer-grace", "1s"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /after 1s neither peer shows any sign of the change, so Aiven did not apply it; sending it once more \(the second and last time\)/,
    );
    expect(putsFor(scenario, first).map((p) => p.status)).toEqual(["dropped", 200]);
    expect(peers(scenario)).toEqual(operation.end);
  });
});

describe.each(DR_OPERATIONS)("$script, when Aiven accepts the role change and never acts on it", (operation) => {
  beforeEach(() => arrange(operation));

  it("says so past the grace period without claiming the change; --resend reads that nothing moved and sends it once more", async () => {
    const first = operation.puts[0];
    scenario.sim.faults.add(faultOn(first, { kind: "accept-and-ignore", times: 1 }));
    const run = await runOperation(scenario, operation.script, ["--lost-answer-grace", "1s"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(
        `^✖ Aiven accepted the request ${first.side === "primary" ? "pg-primary" : "pg-primary-dr"} → ${first.role} at \\S+ but nothing has changed since \\(.*\\); the change is not claimed\\.`,
      ),
    );
    expect(run.stderr).toContain(`rerun with --resend (\`npm run ${operation.script} -- --stack ${STACK} --resend\`)`);
    expect(run.stderr).not.toMatch(operation.changed);
    expect(putsFor(scenario, first).map((p) => p.status)).toEqual([200]);

    const resent = await runOperation(scenario, operation.script, ["--lost-answer-grace", "1s", "--resend"]);
    expect(resent.stderr).toBe("");
    expect(resent.code).toBe(0);
    expect(resent.stdout).toMatch(/but nothing has changed since \(.*\); --resend: sending it once more/);
    expect(putsFor(scenario, first).map((p) => p.status)).toEqual([200, 200]);
    expect(totalPuts()).toBe(operation.puts.length + 1);
    expect(peers(scenario)).toEqual(operation.end);
    expect(phase().phase).toBe(operation.phase);
  });
});

describe("failover --dry-run after Aiven accepted the trigger and never acted on it (found by a red-team run)", () => {
  beforeEach(() => arrange(DR_OPERATIONS[0]));

  it("says what a real run would do: past the grace it stops there (exit 3); within it, it waits, and until when; the request's own time", async () => {
    scenario.sim.faults.add(faultOn(DR_OPERATIONS[0].puts[0], { kind: "accept-and-ignore", times: 1 }));
    expect((await runOperation(scenario, "failover", ["--lost-answer-grace", "1s"])).code).toBe(3);
    const journal = fs
      .readFileSync(path.join(scenario.project.dir, ".crdr", "journal", `${STACK}.jsonl`), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const intent = journal.find((e) => e.event === "role-intent");
    const accepted = journal.find((e) => e.event === "role-applied");

    const past = await runOperation(scenario, "failover", ["--dry-run", "--lost-answer-grace", "1s"]);
    expect(past.stderr).toMatch(
      /^✖ Dry run, nothing was sent or changed; a real run would stop here: Aiven accepted the request pg-primary → failed at \S+ but nothing has changed since \(.*\); the change is not claimed\./,
    );
    expect(past.code).toBe(3);
    expect(past.stdout).toContain(
      `the journal shows Aiven took the trigger, requested at ${intent.ts}; it is not sent again`,
    );
    expect(past.stdout).not.toMatch(/state rm/);

    const within = await runOperation(scenario, "failover", ["--dry-run", "--lost-answer-grace", "1h"]);
    expect(within.stderr).toBe("");
    expect(within.code).toBe(0);
    const until = new Date(Date.parse(accepted.ts) + 3_600_000).toISOString();
    expect(within.stdout).toContain(
      `Aiven accepted pg-primary → failed at ${accepted.ts} and shows nothing of it yet: a real run would wait for it, and stop (exit 3, claiming nothing) if both peers still read as before at ${until}; the steps below follow only once it shows`,
    );
    expect(totalPuts()).toBe(1);
    expect(peers(scenario)).toEqual(["RUNNING/active", "RUNNING/passive"]);
  });
});

describe("a role change Aiven never answers", () => {
  beforeEach(() => arrange(DR_OPERATIONS[0]));

  it("is sent at most twice when every answer is a 503, then stops with exit 3 and nothing changed", async () => {
    scenario.sim.faults.add({ kind: "status", status: 503, method: "PUT" });
    const run = await runOperation(scenario, "failover", ["--lost-answer-grace", "1s"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /Aiven gave no clear answer to PUT \/v1\/project\/crdr-test\/service\/pg-primary \{"disaster_recovery_role":"failed"\} twice, and each time neither peer showed any change for 1s: no sign that it was applied, though Aiven may act later than that \(raise --lost-answer-grace if it is slow\)/,
    );
    expect(totalPuts()).toBe(2);
    expect(peers(scenario)).toEqual(["RUNNING/active", "RUNNING/passive"]);
    expect(await scenario.project.stateAddresses()).toHaveLength(3);
  });

  it("reports a 4xx refusal as a request that changed nothing, with Aiven's message, and exit 2", async () => {
    scenario.sim.faults.add({ kind: "status", status: 400, method: "PUT", times: 1 });
    const run = await runOperation(scenario, "failover");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^✖ Aiven refused pg-primary → failed \(PUT .* failed with HTTP 400: Service temporarily unavailable \(injected\)\); that request changed nothing, and nothing else was done/,
    );
    expect(totalPuts()).toBe(1);
  });

  it("reads a 409 (Aiven's answer while a transition is under way) through the grace period, then takes it as not applied while the pair stood still, exit 2", async () => {
    scenario.sim.faults.add({ kind: "status", status: 409, method: "PUT", times: 1 });
    const run = await runOperation(scenario, "failover", ["--lost-answer-grace", "1s"]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(
      /Aiven refused PUT \S+ \S+ \(.*HTTP 409.*\), which it answers while a transition is under way \(perhaps this very one\); reading both peers for up to 1s/,
    );
    expect(run.stderr).toMatch(
      /^✖ Aiven refused pg-primary → failed \(PUT .* failed with HTTP 409: Service temporarily unavailable \(injected\)\), and neither peer showed any sign of it for 1s: it is taken as not applied, and nothing else was done/,
    );
    expect(totalPuts()).toBe(1);
    expect(peers(scenario)).toEqual(["RUNNING/active", "RUNNING/passive"]);
  });
});

describe("a pair already in transition", () => {
  it("is waited for, not sent to, when another operator's failover is under way", async () => {
    await arrange(DR_OPERATIONS[0]);
    // Held until the run has seen it: the primary stays REBALANCING, still active.
    scenario.sim.model.delays = { ...SHORT_TRANSITIONS, roleLagMs: 3_600_000 };
    // Someone else's failover reached Aiven a moment ago.
    scenario.sim.model.updateService("crdr-test", "pg-primary", { disaster_recovery_role: "failed" });
    const before = totalPuts();
    const run = await runOperation(scenario, "failover", [], {}, (child) => {
      let seen = "";
      child.stdout!.on("data", (d: Buffer) => {
        seen += d;
        if (!seen.includes("waiting for it instead of sending")) return;
        seen = "";
        for (const name of ["pg-primary", "pg-primary-dr"]) scenario.sim.model.finishTransition("crdr-test", name);
      });
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /pg-primary is REBALANCING\/active: a change is under way at Aiven, perhaps this failover started by someone else; waiting for it instead of sending/,
    );
    expect(totalPuts()).toBe(before);
    expect(peers(scenario)).toEqual(["POWEROFF/failed", "RUNNING/active"]);
  });
});

describe("operators racing from different machines", () => {
  it("two failovers started at the same moment from two checkouts: one role change at Aiven, and neither claims nothing changed", async () => {
    await arrange(DR_OPERATIONS[0]);
    const other = ProjectFixture.create();
    try {
      await other.seedState();
      const fromOther = (): Promise<ScriptRun> =>
        runScript(
          other,
          "failover",
          ["--stack", STACK, "--yes", "--poll-interval", "100ms", "--lost-answer-grace", "2s"],
          scenario.env,
        );
      const [a, b] = await Promise.all([runOperation(scenario, "failover"), fromOther()]);
      // On one machine the pair lock refuses the later one (machine-lock.e2e
      // holds the race at a known point); across machines it is the read
      // before writing that keeps the change single.
      for (const run of [a, b]) expect([0, 2]).toContain(run.code);
      for (const run of [a, b].filter((r) => r.code === 2))
        expect(run.stderr).toMatch(/^✖ Another DR operation is running on pg-primary: /);
      expect(scenario.sim.apiCalls("PUT")).toHaveLength(1);
      for (const run of [a, b]) expect(run.stderr + run.stdout).not.toMatch(/nothing was changed|changed nothing/);
      expect(peers(scenario)).toEqual(["POWEROFF/failed", "RUNNING/active"]);
    } finally {
      other.remove();
    }
  });

  it("a run stopped long enough to lose its lock sends nothing when it resumes", async () => {
    await arrange(DR_OPERATIONS[0]);
    const env = { CRDR_LOCK_STALE_MS: "5000" };
    // The first run's first read is answered late, so it is stopped while
    // waiting for the peers, before it could send anything.
    scenario.sim.faults.add({ kind: "slow", method: "GET", delayMs: 3000, times: 1 });
    let stopped: ChildProcess | undefined;
    const first = runOperation(scenario, "failover", [], env, (child) => {
      child.stdout!.on("data", (d: Buffer) => {
        if (!stopped && d.toString().includes("▶ preflight")) {
          stopped = child;
          child.kill("SIGSTOP");
        }
      });
    });
    try {
      await waitFor(() => stopped !== undefined);
      // Stale once its holder has not refreshed it for 5 s (the lock's mtime).
      // The pair lock is machine-wide, keyed by project and primary, in this test file's lock folder.
      const lockDir = path.join(process.env.CRDR_LOCK_DIR!, `${PROJECT}.${PRIMARY}.lock`);
      await waitFor(() => fs.existsSync(lockDir) && Date.now() - fs.statSync(lockDir).mtimeMs > 6000);
      const second = await runOperation(scenario, "failover", [], env);
      expect(second.code).toBe(0);
    } finally {
      stopped?.kill("SIGCONT");
    }
    const resumed = await first;
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(
      /This run lost its lock on pg-primary to .* while it was stopped or stalled; nothing more was sent/,
    );
    expect(scenario.sim.apiCalls("PUT")).toHaveLength(1);
  });
});
