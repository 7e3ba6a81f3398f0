import * as fs from "fs";
import { Command } from "commander";
import { flagsNpmTook, npmTookFlagsMessage } from "../lib/cli/npm-swallowed-flags";
import { startChild } from "./support/child-processes";
import { DR_OPERATIONS, peers } from "./support/dr-operations";
import { useDrScenario } from "./support/dr-scenario";
import { ScriptRun, STACK, writeRepositoryScripts } from "./support/project-fixture";

/**
 * `npm run failover --dry-run -- --stack pg-primary` hands --dry-run to npm,
 * not to the command: every command notices and refuses before it reads or
 * sends anything. Run through the real npm, as an engineer types it.
 */
const scenario = useDrScenario("tok-npm-flags-71c2d9");

const writePackageJson = (dir: string) => writeRepositoryScripts(dir, "npm-flags-project");

function npmRun(args: string[]): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = startChild("npm", ["run", ...args], {
      cwd: scenario.project.dir,
      env: {
        ...process.env,
        ...scenario.env,
        TF_CLI_CONFIG_FILE: "/dev/null",
        CHECKPOINT_DISABLE: "1",
        npm_config_update_notifier: "false",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The flags npm swallows, for each operation: the shared ones, and failover's --force. */
const CASES = DR_OPERATIONS.flatMap((operation) =>
  ["--dry-run", "--json", "--yes", ...(operation.script === "failover" ? ["--force"] : [])].map((flag) => ({
    operation,
    flag,
  })),
);

describe.each(CASES)("npm run $operation.script $flag -- --stack …", ({ operation, flag }) => {
  beforeEach(async () => {
    await operation.arrange(scenario);
    writePackageJson(scenario.project.dir);
  });

  it("refuses with one sentence and exit 2, having read and sent nothing", async () => {
    const stateBefore = fs.readFileSync(scenario.project.stateFile, "utf8");
    const phaseBefore = scenario.project.phases();
    const peersBefore = peers(scenario);
    const otherFlags = ["--dry-run", "--yes"].filter((f) => f !== flag);
    const run = await npmRun([operation.script, flag, "--", "--stack", STACK, ...otherFlags]);
    expect(run.stderr.split("\n").filter((l) => l.startsWith("✖"))).toEqual([
      `✖ npm took ${flag} for itself: put it after --, as in npm run ${operation.script} -- --stack ${STACK} ${[...otherFlags, flag].join(" ")}.`,
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain("▶");
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
    expect(scenario.sim.apiCalls()).toEqual([]);
    expect(peers(scenario)).toEqual(peersBefore);
    expect(fs.readFileSync(scenario.project.stateFile, "utf8")).toBe(stateBefore);
    expect(scenario.project.phases()).toEqual(phaseBefore);
  });
});

describe("a value flag typed before -- (npm passes its value on alone)", () => {
  beforeEach(async () => {
    await DR_OPERATIONS[0].arrange(scenario);
    writePackageJson(scenario.project.dir);
  });

  /** The command a refusal suggests, run as typed: its words after "npm run". */
  const suggested = (stderr: string) => /, as in npm run (.*)\.\n$/.exec(stderr)![1].split(" ");

  it.each([
    ["--stack pg-primary", ["--stack", STACK]],
    ["--stack=pg-primary", [`--stack=${STACK}`]],
  ])("typed as %s: the suggested command keeps the value, and works as typed", async (_, typed) => {
    const run = await npmRun(["failover", ...typed, "--", "--dry-run", "--timeout", "5m"]);
    expect(run.stderr.split("\n").filter((l) => l.startsWith("✖"))).toEqual([
      `✖ npm took --stack for itself: put it after --, as in npm run failover -- --dry-run --timeout 5m --stack ${STACK}.`,
    ]);
    expect(run.code).toBe(2);
    expect(scenario.sim.apiCalls()).toEqual([]);

    const again = await npmRun(suggested(run.stderr));
    expect(again.stderr).not.toContain("✖");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/dry run/i);
    expect(scenario.sim.apiCalls("PUT")).toEqual([]);
  });

  it("with two values passed on, names them without guessing which is whose", async () => {
    const run = await npmRun(["failover", "--stack", STACK, "--timeout", "5m", "--", "--dry-run"]);
    expect(run.stderr.split("\n").filter((l) => l.startsWith("✖"))).toEqual([
      `✖ npm took --stack and --timeout for itself and passed "${STACK}" and "5m" on without saying which is whose: put them after --, each with its value, as in npm run failover -- --dry-run --stack <pair> --timeout <duration>.`,
    ]);
    expect(run.code).toBe(2);
    expect(scenario.sim.apiCalls()).toEqual([]);
  });
});

describe("which npm variables mean a flag was typed", () => {
  const failover = () =>
    new Command("npm run failover --").option("--dry-run").option("--yes").option("--stack <pair>");

  it("counts a flag npm took for the script being run, a value flag included", () => {
    const env = { npm_lifecycle_event: "failover", npm_config_dry_run: "true", npm_config_stack: "true" };
    expect(flagsNpmTook(failover(), env).map((o) => o.long)).toEqual(["--dry-run", "--stack"]);
  });

  it("counts --dry-run for a command that has no --dry-run (npm run phase-migrate --dry-run would migrate for real; found by a red-team run)", () => {
    const migrate = new Command("npm run phase-migrate --");
    expect(
      flagsNpmTook(migrate, { npm_lifecycle_event: "phase-migrate", npm_config_dry_run: "true" }).map((o) => o.long),
    ).toEqual(["--dry-run"]);
    expect(flagsNpmTook(migrate, { npm_lifecycle_event: "phase-migrate", npm_config_dry_run: "" })).toEqual([]);
    const took = flagsNpmTook(migrate, { npm_lifecycle_event: "phase-migrate", npm_config_dry_run: "true" });
    expect(npmTookFlagsMessage(migrate, took, [])).toBe(
      "npm took --dry-run for itself, and npm run phase-migrate has no dry run: nothing was done. To do it for real, run npm run phase-migrate without --dry-run",
    );
  });

  it("ignores what npm exports whatever was typed (empty or false settings), and another script's variables", () => {
    expect(
      flagsNpmTook(failover(), { npm_lifecycle_event: "failover", npm_config_yes: "", npm_config_dry_run: "false" }),
    ).toEqual([]);
    // `npm test --yes` runs jest, whose tests start the commands directly.
    expect(flagsNpmTook(failover(), { npm_lifecycle_event: "test", npm_config_yes: "true" })).toEqual([]);
    expect(flagsNpmTook(failover(), { npm_config_yes: "true" })).toEqual([]);
  });
});
