import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CRDR_COMMANDS } from "../lib/cli/crdr-commands";
import { OPERATIONS } from "../lib/phase/phase-record";
import { startChild } from "./support/child-processes";
import { useDrScenario } from "./support/dr-scenario";
import { PATHS } from "./support/dr-operations";
import { REPO, ScriptRun, STACK, writeRepositoryScripts } from "./support/project-fixture";

/**
 * The `crdr` command (package.json "bin"): one entry whose subcommands come
 * from the operation registry and the command table, with the npm scripts as
 * aliases of it.
 */
const crdr = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(REPO, "bin", "crdr.js"), ...args], {
    cwd: REPO,
    encoding: "utf8",
    env: { ...process.env, npm_lifecycle_event: "" },
  });

/** The command names in a commander help text's "Commands:" section. */
function listedCommands(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? "";
  return [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]);
}

describe("crdr", () => {
  it("--help lists exactly the registry's operations and the other commands, each with its description", () => {
    const help = crdr("--help");
    expect(help.status).toBe(0);
    expect(listedCommands(help.stdout)).toEqual([...CRDR_COMMANDS]);
    expect(listedCommands(help.stdout).slice(0, OPERATIONS.length)).toEqual([...OPERATIONS]);
    expect(help.stdout.replace(/\s+/g, " ")).toContain("revert Revert a pair to its primary region");
  });

  it("refuses an unknown command with one sentence naming the commands, exit 2", () => {
    const run = crdr("fail-over", "--stack", STACK);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `✖ "fail-over" is not a crdr command; use one of ${CRDR_COMMANDS.join(", ")} (crdr --help describes them).\n`,
    );
  });

  it("without a command, prints the list on stderr and exits 2", () => {
    const run = crdr();
    expect(run.status).toBe(2);
    expect(listedCommands(run.stderr)).toEqual([...CRDR_COMMANDS]);
  });

  it("names itself in a subcommand's usage mistakes, which are one line and exit 2", () => {
    const run = crdr("revert", "--stack", STACK, "--force");
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("✖ unknown option '--force'; see crdr revert --help.\n");
    const status = crdr("status", "--colour");
    expect(status.status).toBe(2);
    expect(status.stderr).toBe("✖ unknown option '--colour'; see crdr status --help.\n");
  });

  it("help <command> prints that command's help, as <command> --help does (found by a red-team run)", () => {
    const help = crdr("help", "failover");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: crdr failover \[options\]/);
    expect(help.stdout).toBe(crdr("failover", "--help").stdout);
    expect(crdr("help", "state-restore").stdout).toMatch(/^Usage: crdr state-restore \[options\]/);
    const unknown = crdr("help", "fail-over");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^✖ "fail-over" is not a crdr command; /);
  });

  it("refuses a single-value flag given two different values, naming both, exit 2 (found by a red-team run)", () => {
    const run = crdr("failover", "--stack", "pg-primary", "--stack", "pg-other", "--dry-run");
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      '✖ --stack was given two different values, "pg-primary" and "pg-other"; give it once, with the value you mean.\n',
    );
    const json = crdr("status", "--json", "--region", "google-europe-west1", "--region=google-europe-north1");
    expect(json.status).toBe(2);
    expect(json.stderr).toBe(
      '✖ --region was given two different values, "google-europe-west1" and "google-europe-north1"; give it once, with the value you mean.\n',
    );
    expect(JSON.parse(json.stdout)).toMatchObject({ type: "error", exitCode: 2 });
  });

  it("shows an operation's own flags, generated from its registry entry, under its own name", () => {
    const help = crdr("failover", "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: crdr failover \[options\]/);
    for (const flag of [
      "--stack <pair>",
      "--region <cloud>",
      "--primary-unreachable",
      "--state-only",
      "--max-data-loss <duration>",
      "--accept-data-loss",
    ])
      expect(help.stdout).toContain(flag);
    expect(help.stdout).toContain('(default: "30m")');
    expect(crdr("revert", "--help").stdout).toContain('(default: "6h")');
  });
});

describe("npx crdr failover, against the simulator, does what npm run failover does", () => {
  const scenario = useDrScenario("tok-crdr-bin-5e0a71");

  /** The project as an engineer's checkout would have it: the package's bin linked, and its npm scripts. */
  function installInProject(dir: string): void {
    fs.mkdirSync(path.join(dir, "node_modules", ".bin"), { recursive: true });
    fs.symlinkSync(path.join(REPO, "bin", "crdr.js"), path.join(dir, "node_modules", ".bin", "crdr"));
    writeRepositoryScripts(dir, "crdr-bin-project");
  }

  function run(command: string, args: string[]): Promise<ScriptRun> {
    return new Promise((resolve, reject) => {
      const child = startChild(command, args, {
        cwd: scenario.project.dir,
        env: {
          ...process.env,
          ...scenario.env,
          TF_CLI_CONFIG_FILE: "/dev/null",
          CHECKPOINT_DISABLE: "1",
          npm_config_update_notifier: "false",
          npm_config_offline: "true",
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

  const flags = ["--stack", STACK, "--yes", "--poll-interval", "100ms"];
  it.each([
    ["npx crdr failover", () => run("npx", ["crdr", "failover", ...flags])],
    ["npm run failover --", () => run("npm", ["run", "failover", "--", ...flags])],
  ])("%s: one PUT, the integration forgotten, the phase recorded, exit 0", async (_name, invoke) => {
    installInProject(scenario.project.dir);
    const result = await invoke();
    expect(result.stderr.split("\n").filter((l) => l.startsWith("✖"))).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${STACK} is failed over: pg-primary-dr is active.`);
    expect(scenario.sim.apiCalls("PUT")).toEqual([
      { method: "PUT", path: PATHS.primary, body: { disaster_recovery_role: "failed" }, status: 200 },
    ]);
    expect(await scenario.project.stateAddresses()).toEqual(["aiven_pg.primary", "aiven_pg.recovery"]);
    expect(scenario.project.phases()[STACK]).toMatchObject({
      phase: "failed-over",
      primary: "frozen",
      operation: "failover",
    });
    const journal = fs.readFileSync(path.join(scenario.project.dir, ".crdr", "journal", `${STACK}.jsonl`), "utf8");
    expect(
      journal
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { event: string }).event),
    ).toContain("failover-confirmed");
  });
});
