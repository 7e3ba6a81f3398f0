import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CRDR_COMMANDS } from "../lib/cli/crdr-commands";
import { REPO, writeRepositoryScripts } from "./support/project-fixture";

/**
 * With --json, a script reading stdout finds one `error` event as the last
 * line of every run that ends in error, usage mistakes included: commander's
 * own errors, an unknown command, a bad flag value, and a flag npm took for
 * itself. Run through the real `crdr` command and the real npm.
 */
let dir: string;
beforeAll(() => {
  // A project folder: nothing here is read, every row is refused before that.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-json-usage-"));
  writeRepositoryScripts(dir, "json-usage");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ENV = { TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1", npm_config_update_notifier: "false" };

function crdr(args: readonly string[]) {
  return spawnSync(process.execPath, [path.join(REPO, "bin", "crdr.js"), ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, ...ENV, npm_lifecycle_event: "", AIVEN_TOKEN: "tok-json-usage-5e1f" },
    timeout: 60_000,
  });
}

function npmRun(args: readonly string[]) {
  return spawnSync("npm", ["run", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, ...ENV, AIVEN_TOKEN: "tok-json-usage-5e1f" },
    timeout: 60_000,
  });
}

const ROWS: ReadonlyArray<{
  why: string;
  run: () => ReturnType<typeof crdr>;
  message: RegExp;
  /** npm run in its own --json mode prints its own error document after the script's output. */
  npmJson?: boolean;
}> = [
  {
    why: "a flag without its value (commander)",
    run: () => crdr(["failover", "--json", "--stack"]),
    message: /^option '--stack <pair>' argument missing; see crdr failover --help\.$/,
  },
  {
    why: "an unknown flag (commander)",
    run: () => crdr(["failover", "--json", "--stack", "pg-primary", "--colour"]),
    message: /^unknown option '--colour'; see crdr failover --help\.$/,
  },
  {
    why: "a stray argument (commander)",
    run: () => crdr(["switchover", "--json", "--stack", "pg-primary", "now"]),
    message: /^unexpected argument "now": every flag goes with its value, as in crdr switchover --stack <pair>; see/,
  },
  {
    why: "a required flag missing (commander)",
    run: () => crdr(["state-restore", "--json"]),
    message: /^required option '--stack <pair>' not specified; see crdr state-restore --help\.$/,
  },
  {
    why: "a value outside a flag's choices (commander)",
    run: () => crdr(["plan-review", "--json", "--fail-on", "never", "plan.json"]),
    message: /^option '--fail-on <severity>' argument 'never' is invalid\. Allowed choices are danger, warning\./,
  },
  {
    why: "an unknown command",
    run: () => crdr(["fail-over", "--json", "--stack", "pg-primary"]),
    message: new RegExp(`^"fail-over" is not a crdr command; use one of ${CRDR_COMMANDS.join(", ")} `),
  },
  {
    why: "a bad duration",
    run: () => crdr(["failover", "--json", "--stack", "pg-primary", "--timeout", "soon"]),
    message: /^--timeout "soon" /,
  },
  {
    why: "a stack that cannot be a stack name",
    run: () => crdr(["revert", "--json", "--stack", "../pg-primary"]),
    message: /^--stack "\.\.\/pg-primary" /,
  },
  {
    why: "--stack and --region together",
    run: () => crdr(["failover", "--json", "--stack", "pg-primary", "--region", "google-europe-west1"]),
    message: /^Pass exactly one of --stack <pair> or --region <cloud>; /,
  },
  {
    why: "a bad --parallel for status",
    run: () => crdr(["status", "--json", "--parallel", "none"]),
    message: /^--parallel "none" is not a positive whole number; use a value such as 16\.$/,
  },
  {
    why: "plan review without plans",
    run: () => crdr(["plan-review", "--json"]),
    message: /^No plans given; pass plan files \(STACK=FILE, or - for stdin\) or --plans-dir DIR\.$/,
  },
  {
    why: "--json typed before npm's -- (npm took it)",
    run: () => npmRun(["failover", "--json", "--", "--stack", "pg-primary", "--dry-run"]),
    message:
      /^npm took --json for itself: put it after --, as in npm run failover -- --stack pg-primary --dry-run --json\.$/,
    npmJson: true,
  },
  {
    why: "another flag typed before npm's --, with --json after it",
    run: () => npmRun(["status", "--all", "--", "--json"]),
    message: /^npm took --all for itself: put it after --, as in npm run status -- --json --all\.$/,
  },
];

describe.each(ROWS)("with --json, $why", ({ run, message, npmJson }) => {
  it("ends stdout with one error event (exit 2) saying what stderr says, and refuses with exit 2", () => {
    const result = run();
    expect(result.status).toBe(2);
    const refusal = result.stderr.split("\n").filter((line) => line.startsWith("✖"));
    expect(refusal).toHaveLength(1);
    expect(refusal[0].slice(2)).toMatch(message);
    let stdout = result.stdout;
    if (npmJson) {
      const npmsOwn = stdout.indexOf("\n{\n");
      expect(JSON.parse(stdout.slice(npmsOwn + 1))).toMatchObject({ error: { code: 2 } });
      stdout = stdout.slice(0, npmsOwn + 1);
    }
    const last = stdout.trimEnd().split("\n").pop()!;
    expect(JSON.parse(last)).toEqual({
      version: 1,
      ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      type: "error",
      exitCode: 2,
      message: refusal[0].slice(2),
    });
    expect(result.stdout.split("\n").filter((line) => line.includes('"type":"error"'))).toHaveLength(1);
  });
});
