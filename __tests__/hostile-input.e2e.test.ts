import * as fs from "fs";
import * as path from "path";
import { useDrScenario } from "./support/dr-scenario";
import { DR_OPERATIONS, runOperation, withDefaultFlags } from "./support/dr-operations";
import { makeImmutable } from "./support/immutable";
import { runScript, STACK } from "./support/project-fixture";

/**
 * Input meant to break things, or merely mistyped: each is one sentence and
 * exit 2, with no stack trace and nothing sent or made.
 */
const TOKEN = "tok-hostile-4d8c2a19";
const scenario = useDrScenario(TOKEN);

function expectOneSentence(run: { code: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
  expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  expect(run.code).toBe(2);
  expect(scenario.sim.apiCalls("PUT")).toEqual([]);
}

const failover = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runScript(scenario.project, "failover", withDefaultFlags([["--yes"], ["--poll-interval", "100ms"]], args), {
    ...scenario.env,
    ...env,
  });

beforeEach(() => DR_OPERATIONS[0].arrange(scenario));

describe("--stack", () => {
  it("__proto__ is not a stack name", async () => {
    expectOneSentence(
      await failover(["--stack", "__proto__"]),
      /^✖ --stack "__proto__" is not a stack name \(letters, digits, "_" and "-", starting with a letter\); pass the pair's stack/,
    );
    expectOneSentence(
      await runScript(scenario.project, "status", ["--stack", "__proto__"], scenario.env),
      /^✖ --stack "__proto__" is not a stack name/,
    );
  });

  it.each(["constructor", "hasOwnProperty", "toString"])("%s finds no stack of Object's", async (name) => {
    expectOneSentence(
      await failover(["--stack", name]),
      new RegExp(
        `^✖ Stack "${name}" is not among the synthesized stacks \\("pg-primary"\\); pass one of those to --stack\\.`,
      ),
    );
  });

  it("with a path in it is refused before any folder is made, inside the project or outside it", async () => {
    const escape = `crdr-escape-${path.basename(scenario.project.dir)}`;
    const outside = path.dirname(scenario.project.dir);
    const run = await failover(["--stack", `../../../${escape}`]);
    expectOneSentence(run, /^✖ --stack "\.\.\/\.\.\/\.\.\/crdr-escape-[^"]+" is not a stack name/);
    expect(fs.readdirSync(outside).filter((e) => e.startsWith(escape))).toEqual([]);
    expect(fs.existsSync(path.join(scenario.project.dir, ".crdr"))).toBe(false);
  });
});

describe("--timeout and --poll-interval", () => {
  it("refuses a poll interval beyond what a timer holds", async () => {
    expectOneSentence(
      await failover(["--stack", STACK, "--poll-interval", "30d"]),
      /^✖ --poll-interval "30d" is outside 100ms to 1h; give a duration in that range/,
    );
  });

  it("refuses a timeout shorter than one poll, before anything is sent", async () => {
    expectOneSentence(
      await failover(["--stack", STACK, "--timeout", "1ms"]),
      /^✖ --timeout "1ms" is outside 100ms to 168h; give a duration in that range/,
    );
    expectOneSentence(
      await failover(["--stack", STACK, "--timeout", "1s", "--poll-interval", "5s"]),
      /^✖ --timeout "1s" is shorter than one poll \(--poll-interval "5s"\), so the wait could not read Aiven even once; give a longer --timeout\./,
    );
  });
});

describe("the old single phase file (before the migration to the phase folder)", () => {
  const writePairs = (text: string) => {
    scenario.project.clearPhases();
    fs.writeFileSync(scenario.project.legacyPhaseFile, `{"version":1,"pairs":${text}}`);
  };

  it("naming __proto__ is refused as no stack name", async () => {
    writePairs(`{"__proto__":{"phase":"failed-over","primary":"frozen"}}`);
    const run = await runOperation(scenario, "failover");
    expect(run.stderr).toMatch(/^✖ The phase file .*crdr-phases\.json names "__proto__", which cannot be a stack name/);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.code).toBe(2);
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
  });

  it("naming constructor is refused as an undeclared pair", async () => {
    writePairs(`{"constructor":{"phase":"failed-over","primary":"frozen"}}`);
    const run = await runOperation(scenario, "failover");
    expect(run.stderr).toMatch(/names "constructor", which main\.ts does not declare \(declared: "pg-primary"\)/);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.code).toBe(2);
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
  });

  it("with a key twice is refused (JSON would keep the last one silently)", async () => {
    writePairs(`{"${STACK}":{"phase":"normal"},"${STACK}":{"phase":"failed-over","primary":"frozen"}}`);
    const run = await runOperation(scenario, "failover");
    expect(run.stderr).toMatch(
      /^✖ The phase file .*crdr-phases\.json names "pg-primary" twice \(only one entry would count\); keep one entry per key/,
    );
    expect(run.code).toBe(2);
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
  });

  it("naming 60,000 undeclared pairs gives a short message: a few names and the count", async () => {
    const pairs = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`pg-ghost-${i}`, { phase: "normal" }]));
    writePairs(JSON.stringify(pairs));
    const run = await runOperation(scenario, "failover");
    expect(run.stderr).toMatch(
      /names "pg-ghost-0", "pg-ghost-1", "pg-ghost-10", "pg-ghost-100", "pg-ghost-1000" and 59995 more, which main\.ts does not declare \(declared: "pg-primary"\)/,
    );
    expect(run.stderr.length).toBeLessThan(1000);
    expect(run.code).toBe(2);
  });
});

describe("a .crdr folder that cannot be written (a full disk, say)", () => {
  it("is one sentence at the start, not a crash", async () => {
    const work = path.join(scenario.project.dir, ".crdr");
    fs.mkdirSync(work);
    const lock = makeImmutable(work);
    try {
      expectOneSentence(
        await runOperation(scenario, "failover"),
        /^✖ Cannot write in .*\.crdr\/locks \(EPERM\); make it writable \(or free disk space\), then rerun\./,
      );
    } finally {
      lock.undo();
    }
  });
});
