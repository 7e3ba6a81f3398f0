import { randomUUID } from "crypto";
import * as path from "path";
import { startChild } from "./support/child-processes";
import { REPO } from "./support/project-fixture";
import { processesWhere, killAll } from "./support/test-children";

/**
 * A failing test never hangs the suite: run through jest's CLI, a fixture
 * suite whose test fails with its child stopped ends with that failure, and
 * one that leaves a child running fails in the teardown, naming it. Neither
 * leaves a process behind. (A run that hung would fail here by the test's
 * timeout, its jest then killed like any child.)
 */
const FIXTURES = path.join(__dirname, "fixtures", "hanging-suite");

async function runFixture(file: string): Promise<{ code: number | null; output: string; probe: string }> {
  const probe = randomUUID();
  const jest = startChild(
    process.execPath,
    [
      path.join(REPO, "node_modules", "jest", "bin", "jest.js"),
      "--config",
      path.join(FIXTURES, "jest.config.js"),
      "--ci",
      file,
    ],
    {
      cwd: REPO,
      env: { ...process.env, CRDR_FIXTURE_PROBE: probe },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  jest.stdout!.on("data", (d) => (output += d));
  jest.stderr!.on("data", (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => jest.once("close", resolve));
  return { code, output, probe };
}

const leftBehind = (probe: string) =>
  processesWhere((environ: string[]) => environ.includes(`CRDR_FIXTURE_PROBE=${probe}`));

describe("a test run with children", () => {
  it("ends promptly with the failure of a test that stopped its child, leaving no process behind", async () => {
    const run = await runFixture("stops-a-child.fixture.ts");
    const left = leftBehind(run.probe);
    killAll(left);
    expect(run.output).toContain("✕ fails while the child it started is stopped");
    expect(run.output).toContain('Expected: "an answer it never gives"');
    expect(run.output).not.toMatch(/did not exit|left \d+ process/);
    expect(run.code).toBe(1);
    expect(left).toEqual([]);
  });

  it("fails in the teardown, naming the command, when a test leaves a child running; and kills it", async () => {
    const run = await runFixture("leaks-a-child.fixture.ts");
    const left = leftBehind(run.probe);
    killAll(left);
    expect(run.output).toContain("✓ passes, leaving a child it started without startChild running");
    expect(run.output).toMatch(
      /The tests left 1 process\(es\) running: pid \d+ `\S*node -e setInterval\(\(\) => \{\}, 1000\) \/\/ the leaked child`/,
    );
    expect(run.code).toBe(1);
    expect(left).toEqual([]);
  });
});
