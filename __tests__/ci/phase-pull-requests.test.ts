import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { phasePathsOf } from "../../lib/ci/phase-paths";
import { PhaseFolder } from "../../lib/phase/phase-folder";
import { PhaseRecord } from "../../lib/phase/phase-record";
import { ArtifactStore } from "../support/artifact-store";
import { fakeGitHubCli, FakeGitHubCli } from "../support/fake-github-cli";
import { REPO } from "../support/project-fixture";

/**
 * Two pairs' phase-file pull requests opened from one base, as the
 * dr-operation workflow opens them: the operation writes the pair's phase,
 * collect-phase-change.sh collects what changed, open-phase-pull-request.sh
 * commits it on a branch of its own and pushes; then real `git merge`s of
 * both branches. With one file per pair they merge cleanly; with the old
 * single file, the second conflicts.
 */
const FAILED_OVER: PhaseRecord = {
  phase: "failed-over",
  primary: "forgotten",
  since: "2026-11-25T10:00:00.000Z",
  operation: "failover",
  runId: "run-a",
};
const REVERTED: PhaseRecord = {
  phase: "normal",
  since: "2026-11-26T10:00:00.000Z",
  operation: "revert",
  runId: "run-b",
};
const SWITCHED: PhaseRecord = {
  phase: "switched-over",
  since: "2026-11-26T11:00:00.000Z",
  operation: "switchover",
  runId: "run-c",
};
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();
const script = (name: string) => path.join(REPO, "lib", "ci", name);

let work: string;
let origin: string;
let base: string;
let store: ArtifactStore;
let gh: FakeGitHubCli;
const temp = (name: string) => fs.mkdtempSync(path.join(work, `${name}-`));

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "phase-prs-"));
  store = new ArtifactStore();
  gh = fakeGitHubCli(store);
});
afterEach(() => {
  gh?.remove();
  store?.remove();
  fs.rmSync(work, { recursive: true, force: true });
});

/** The repository on the base commit, with `files` (path → text) committed; returns the base sha. */
function repository(files: Record<string, string>): string {
  const seed = temp("seed");
  git(seed, "init", "--quiet", "--initial-branch=main");
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(seed, file)), { recursive: true });
    fs.writeFileSync(path.join(seed, file), text);
  }
  git(seed, "add", ".");
  git(seed, "commit", "--quiet", "-m", "base");
  origin = temp("origin");
  git(origin, "clone", "--quiet", "--bare", seed, ".");
  base = git(seed, "rev-parse", "HEAD");
  return base;
}

function checkout(): string {
  const dir = temp("checkout");
  git(dir, "clone", "--quiet", origin, ".");
  git(dir, "checkout", "--quiet", "--detach", base);
  return dir;
}

/**
 * One dispatch of `operation` on a stack (or a region): on a fresh checkout
 * of the base, the operation records the pairs' phases as the tooling does
 * (and `alsoChanged` stands for anything else left changed in the
 * checkout), the operation job collects the change, and the pull-request
 * job, on another fresh checkout, commits and pushes it. Returns the branch.
 */
function dispatch(
  operation: string,
  target: { stack: string } | { region: string },
  records: Record<string, PhaseRecord>,
  run: number,
  alsoChanged: (dir: string) => void = () => undefined,
): string {
  const job = checkout();
  const phaseDir = path.join(job, "crdr-phases");
  for (const [stack, record] of Object.entries(records)) PhaseFolder.load(phaseDir).write(stack, record);
  alsoChanged(job);
  const report = path.join(job, "dr-report");
  fs.mkdirSync(report);
  fs.writeFileSync(
    path.join(report, "phase-paths.txt"),
    phasePathsOf({ operation: operation as "failover", ...target, dryRun: false }, job, phaseDir).join("\n") + "\n",
  );
  const name = "stack" in target ? target.stack : target.region;
  fs.writeFileSync(path.join(report, "commit-message.txt"), `DR ${operation} of ${name}: record the phase\n`);
  fs.writeFileSync(path.join(report, "pull-request-title.txt"), `DR ${operation} of ${name}: record the phase\n`);
  fs.writeFileSync(path.join(report, "pull-request.md"), "<!-- crdr-dr-operation -->\n");
  const output = path.join(job, "github-output");
  const collect = spawnSync("bash", [script("collect-phase-change.sh"), "dr-report"], {
    cwd: job,
    env: { ...process.env, GITHUB_OUTPUT: output },
    encoding: "utf8",
  });
  expect(collect.stderr).toBe("");
  expect(collect.status).toBe(0);
  expect(fs.readFileSync(output, "utf8")).toBe("phase-changed=true\n");

  // The artifact, downloaded by the pull-request job on another machine.
  const prJob = checkout();
  fs.cpSync(report, path.join(prJob, "dr-report"), { recursive: true });
  fs.appendFileSync(path.join(prJob, ".git", "info", "exclude"), "dr-report\n");
  const branch = `crdr/${operation}-${name}-${run}-1`;
  const open = spawnSync("bash", [script("open-phase-pull-request.sh"), "dr-report"], {
    cwd: prJob,
    env: {
      ...process.env,
      PATH: `${gh.bin}:${process.env.PATH}`,
      BRANCH: branch,
      BASE_BRANCH: "main",
      GITHUB_REPOSITORY: "acme/crdr",
      GITHUB_OUTPUT: path.join(prJob, "github-output"),
    },
    encoding: "utf8",
  });
  expect(open.stderr).toBe("");
  expect(open.status).toBe(0);
  return branch;
}

/** The changes a branch makes to the base, as `git diff --name-status`. */
const changes = (branch: string) => git(origin, "diff", "--name-status", base, branch).split("\n");

/** A fresh clone of main merging `branches` in turn; the exit status of each merge. */
function mergeAll(branches: string[]): { dir: string; statuses: number[] } {
  const dir = temp("merge");
  git(dir, "clone", "--quiet", origin, ".");
  const statuses = branches.map(
    (branch) =>
      spawnSync(
        "git",
        ["-c", "user.name=Test", "-c", "user.email=test@example.com", "merge", "--no-edit", `origin/${branch}`],
        { cwd: dir, encoding: "utf8" },
      ).status ?? -1,
  );
  return { dir, statuses };
}

describe("phase-file pull requests of two pairs from one base", () => {
  it("each commit only their pair's file, and both merge without conflict: the merged tree reads both phases", () => {
    repository({
      "crdr-phases/pg-b.json": JSON.stringify({ version: 1, ...FAILED_OVER }, null, 2) + "\n",
      "README.md": "project\n",
    });
    // pg-a fails over; another pair's file and another file are also left changed in that checkout, and stay out.
    const a = dispatch("failover", { stack: "pg-a" }, { "pg-a": FAILED_OVER }, 41, (dir) => {
      fs.writeFileSync(path.join(dir, "README.md"), "changed\n");
      PhaseFolder.load(path.join(dir, "crdr-phases")).write("pg-c", SWITCHED);
    });
    const b = dispatch("revert", { stack: "pg-b" }, { "pg-b": REVERTED }, 42);
    expect(changes(a)).toEqual(["A\tcrdr-phases/pg-a.json"]);
    expect(changes(b)).toEqual(["M\tcrdr-phases/pg-b.json"]);
    // A third pair's first record: a second new file in the same folder.
    const d = dispatch("switchover", { stack: "pg-d" }, { "pg-d": SWITCHED }, 43);

    const merged = mergeAll([a, b, d]);
    expect(merged.statuses).toEqual([0, 0, 0]);
    const phases = PhaseFolder.load(path.join(merged.dir, "crdr-phases"));
    expect(phases.stacks()).toEqual(["pg-a", "pg-b", "pg-d"]);
    expect(phases.phaseOf("pg-a")).toEqual(FAILED_OVER);
    expect(phases.phaseOf("pg-b")).toEqual(REVERTED);
    expect(phases.phaseOf("pg-d")).toEqual(SWITCHED);
  });

  it("with the old single file (a project not migrated yet), commit that file, and the second merge conflicts: why the folder exists", () => {
    // Every pair normal, as the file comes; two pairs fail over.
    repository({ "crdr-phases.json": JSON.stringify({ version: 1, pairs: {} }, null, 2) + "\n" });
    const a = dispatch("failover", { stack: "pg-a" }, { "pg-a": FAILED_OVER }, 41);
    const b = dispatch("failover", { stack: "pg-b" }, { "pg-b": { ...FAILED_OVER, runId: "run-b" } }, 42);
    expect(changes(a)).toEqual(["M\tcrdr-phases.json"]);
    expect(changes(b)).toEqual(["M\tcrdr-phases.json"]);
    expect(mergeAll([a, b]).statuses).toEqual([0, 1]);
  });

  it("a region run's commits the files of the pairs it changed, and no stray file left in the folder", () => {
    repository({ "crdr-phases/pg-b.json": JSON.stringify({ version: 1, ...SWITCHED }, null, 2) + "\n" });
    const region = dispatch(
      "failover",
      { region: "google-europe-west1" },
      { "pg-a": FAILED_OVER, "pg-c": { ...FAILED_OVER, runId: "run-c" } },
      44,
      (dir) => {
        // The temporary file of a write cut short.
        fs.writeFileSync(path.join(dir, "crdr-phases", "pg-b.json.2617"), "{");
      },
    );
    expect(changes(region)).toEqual(["A\tcrdr-phases/pg-a.json", "A\tcrdr-phases/pg-c.json"]);
  });

  it("make a later dispatch of the same pair find its open pull request by the pair's file, and name it; another pair's is not in the way", () => {
    repository({ "README.md": "project\n" });
    const a = dispatch("failover", { stack: "pg-a" }, { "pg-a": FAILED_OVER }, 41);
    // What `gh pr list --json number,headRefName,url,files` shows: the pushed branch's files, and a hand-made pull request of pg-b.
    const filesOf = (branch: string) =>
      git(origin, "diff", "--name-only", base, branch)
        .split("\n")
        .map((p) => ({ path: p }));
    gh.setRepository({
      openPullRequests: [
        { number: 101, headRefName: a, url: "https://github.example/acme/crdr/pull/101", files: filesOf(a) },
        {
          number: 7,
          headRefName: "fix/pg-b-phase",
          url: "https://github.example/acme/crdr/pull/7",
          files: [{ path: "crdr-phases/pg-b.json" }],
        },
      ],
    });
    const find = (env: Record<string, string>) =>
      spawnSync("bash", [script("find-open-phase-pull-request.sh")], {
        env: {
          PATH: `${gh.bin}:${process.env.PATH}`,
          GITHUB_REPOSITORY: "acme/crdr",
          ENVIRONMENT: "production-dr",
          ...env,
        },
        encoding: "utf8",
      });

    const same = find({ STACK: "pg-a" });
    expect(same.status).toBe(2);
    expect(same.stdout).toBe(
      `::error::The phase-file pull request #101 (${a}, https://github.example/acme/crdr/pull/101) of pg-a is still open: until it is merged, the phase file this run reads is the one from before that operation. Merge it (or close it if its phase is wrong), then dispatch again.\n`,
    );
    // Found by the file, whatever its branch is called.
    const handMade = find({ STACK: "pg-b" });
    expect(handMade.status).toBe(2);
    expect(handMade.stdout).toContain(
      "::error::The phase-file pull request #7 (fix/pg-b-phase, https://github.example/acme/crdr/pull/7) of pg-b is still open",
    );
    // The phase folder where the repository keeps it (CRDR_PHASE_DIR): the same file elsewhere is not this pair's.
    expect(find({ STACK: "pg-b", PHASE_DIR: "ops/phases/" }).status).toBe(0);
    const other = find({ STACK: "pg-c" });
    expect(other.status).toBe(0);
    expect(other.stdout).toBe("No open phase-file pull request of pg-c.\n");
    expect(gh.calls()).toContainEqual([
      "pr",
      "list",
      "--repo",
      "acme/crdr",
      "--state",
      "open",
      "--limit",
      "200",
      "--json",
      "number,headRefName,url,files",
    ]);
  });
});
