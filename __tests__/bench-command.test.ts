import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startChild } from "./support/child-processes";
import { REPO } from "./support/project-fixture";
import { waitFor } from "./support/wait-for";

/** Runs the compiled bench with a temp folder of its own, to see what it leaves there. */
function bench(args: string[], env: NodeJS.ProcessEnv, tmp: string) {
  const child = startChild(process.execPath, [path.join(REPO, "dist", "bench", "index.js"), ...args], {
    cwd: REPO,
    env: { ...process.env, ...env, TMPDIR: tmp },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const done = new Promise<number | null>((resolve) => child.once("close", resolve));
  return { child, done, output: () => output };
}

describe("npm run bench", () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-tmp-"))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("--help prints what it measures and how to choose, and runs nothing", async () => {
    const run = bench(["--help"], {}, tmp);
    expect(await run.done).toBe(0);
    expect(run.output()).toMatch(/^Usage: npm run bench -- \[options\]/);
    expect(run.output()).toContain("BENCH_ONLY=synth|fleet|failover");
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it("stopped with Ctrl-C, leaves no throw-away project (with its state files) behind", async () => {
    const run = bench([], { BENCH_ONLY: "fleet", BENCH_FLEET_SIZES: "1" }, tmp);
    await waitFor(() => fs.readdirSync(tmp).some((e) => e.startsWith("crdr-bench-")));
    run.child.kill("SIGINT");
    await run.done;
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
