import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ArtifactStore } from "./artifact-store";

export interface FakeGitHubCli {
  /** A folder holding `gh`, for the front of PATH. */
  readonly bin: string;
  /** The workflow runs `gh run list` shows, newest first. */
  setRuns(runs: number[]): void;
  /**
   * What `gh api repos/OWNER/REPO/environments/NAME` answers: each named
   * environment with its protection rules; any other name is a 404, as for
   * an environment that does not exist. `gh pr list` shows `openPullRequests`.
   */
  setRepository(repository: {
    environments?: Record<string, { protection_rules: unknown[] }>;
    openPullRequests?: Array<{ number: number; headRefName: string; url: string; files?: Array<{ path: string }> }>;
  }): void;
  /** Every call, as its arguments. */
  calls(): string[][];
  /** The pull requests `gh pr create` opened: its arguments and the body file's text. */
  pullRequests(): Array<{ args: string[]; body: string }>;
  remove(): void;
}

/**
 * A `gh` for the workflow's shell steps: `run list` and `run download` read
 * the test's artifact store, `pr create` records the pull request and prints
 * its address, `api` of an environment and `pr list` answer from
 * `setRepository`. Anything else fails, so a step cannot use what the test does
 * not check.
 */
export function fakeGitHubCli(store: ArtifactStore): FakeGitHubCli {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-gh-"));
  const config = path.join(bin, "config.json");
  const log = path.join(bin, "calls.jsonl");
  const prs = path.join(bin, "pull-requests.jsonl");
  fs.writeFileSync(config, JSON.stringify({ runs: [] }));
  const program = `#!${process.execPath}
const fs = require("fs");
const path = require("path");
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + "\\n");
const { runs, environments = {}, openPullRequests = [] } = JSON.parse(fs.readFileSync(${JSON.stringify(config)}, "utf8"));
const flag = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const [group, command] = args;
if (group === "run" && command === "list") {
  process.stdout.write(runs.map((r) => r + "\\n").join(""));
} else if (group === "run" && command === "download") {
  const from = path.join(${JSON.stringify(store.dir)}, args[2], flag("--name"));
  if (!fs.existsSync(from)) {
    process.stderr.write("no valid artifacts found to download\\n");
    process.exit(1);
  }
  fs.cpSync(from, flag("--dir"), { recursive: true });
} else if (group === "api" && command.split("/").length === 5 && command.startsWith("repos/") && command.split("/")[3] === "environments") {
  const name = command.split("/").pop();
  if (!(name in environments)) {
    process.stderr.write("gh: Not Found (HTTP 404)\\n");
    process.exit(1);
  }
  process.stdout.write(JSON.stringify({ name, ...environments[name] }));
} else if (group === "pr" && command === "list") {
  process.stdout.write(JSON.stringify(openPullRequests));
} else if (group === "pr" && command === "create") {
  const body = fs.readFileSync(flag("--body-file"), "utf8");
  fs.appendFileSync(${JSON.stringify(prs)}, JSON.stringify({ args, body }) + "\\n");
  process.stdout.write("https://github.example/acme/crdr/pull/" + (100 + fs.readFileSync(${JSON.stringify(prs)}, "utf8").trim().split("\\n").length) + "\\n");
} else {
  process.stderr.write("fake gh: no behaviour for gh " + args.join(" ") + "\\n");
  process.exit(1);
}
`;
  fs.writeFileSync(path.join(bin, "gh"), program, { mode: 0o755 });
  const lines = (file: string) =>
    fs.existsSync(file)
      ? fs
          .readFileSync(file, "utf8")
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
  return {
    bin,
    setRuns: (runs) =>
      fs.writeFileSync(config, JSON.stringify({ ...JSON.parse(fs.readFileSync(config, "utf8")), runs })),
    setRepository: (repository) =>
      fs.writeFileSync(config, JSON.stringify({ ...JSON.parse(fs.readFileSync(config, "utf8")), ...repository })),
    calls: () => lines(log),
    pullRequests: () => lines(prs),
    remove: () => fs.rmSync(bin, { recursive: true, force: true }),
  };
}
