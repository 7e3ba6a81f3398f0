import * as fs from "fs";
import * as path from "path";
import { failover } from "../lib/operations/failover";
import { CommonOptions, OperationDeps } from "../lib/operations/operation-context";
import { CapturingReporter } from "../lib/reporting/capturing-reporter";
import { SimServer } from "../lib/simulator/sim-server";
import { UserError } from "../lib/user-error";
import { inProcessPair } from "./support/in-process-pair";
import { makeImmutable } from "./support/immutable";
import { ProjectFixture, STACK } from "./support/project-fixture";
import { RecordingTerraform } from "./support/recording-terraform";

/**
 * The preflight, in process: what a failover proves before its one role
 * change (the binary, the backend, the state being this pair's and its lock
 * free, the phase file and every folder written afterwards writable), and
 * what it says it proved. The end-to-end file (preflight.e2e) runs the real
 * binary; this one judges the preflight's own decisions quickly.
 */
const TOKEN = "tok-preflight-5e0a";
const LINK = "aiven_service_integration.disaster_recovery";
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", LINK];
const options = {
  stack: STACK,
  dryRun: false,
  yes: true,
  timeoutMs: 10_000,
  pollIntervalMs: 20,
  lostAnswerGraceMs: 300,
  primaryUnreachable: false,
  stateOnly: false,
  force: false,
} satisfies CommonOptions & Record<string, unknown>;

/**
 * As the real binary: `state rm` (dry run or not) of an address state does
 * not hold fails, and a binary older than the minimum asked for is refused.
 */
class StrictTerraform extends RecordingTerraform {
  override async checkVersion(minimum?: string): Promise<string> {
    const parts = (v: string) => v.split(".").map(Number);
    const [have, need] = [parts(this.version), parts(minimum ?? "0")];
    const older = need.some((n, i) => have.slice(0, i).every((h, j) => h === need[j]) && (have[i] ?? 0) < n);
    if (older) throw new UserError(`terraform ${this.version} is older than ${minimum}, which this stack needs`);
    return super.checkVersion();
  }
  override async stateRmDryRun(addresses: string[]): Promise<void> {
    this.refuseAbsent(addresses);
    return super.stateRmDryRun(addresses);
  }
  override async stateRm(addresses: string[]): Promise<void> {
    this.refuseAbsent(addresses);
    return super.stateRm(addresses);
  }
  private refuseAbsent(addresses: string[]): void {
    const absent = addresses.filter((a) => !this.state.includes(a));
    if (absent.length) throw new UserError(`Invalid target address: no ${absent.join(", ")} in state`);
  }
}

let project: ProjectFixture;
let sim: SimServer;
let reporter: CapturingReporter;
let deps: OperationDeps;
const undo: Array<() => void> = [];

const output = () => reporter.lines.join("\n");
const depsWith = (terraform: RecordingTerraform): OperationDeps => ({ ...deps, terraform: terraform.factory() });
/** The local state file the stack's backend names. */
const stateFile = () => {
  const stack = project.stack();
  const local = stack.json.terraform?.backend?.local as { path: string };
  return path.resolve(stack.workingDirectory, local.path);
};

beforeAll(() => {
  project = ProjectFixture.create();
  project.synth();
});
afterAll(() => project.remove());

beforeEach(async () => {
  // What follows the preflight is not judged here: no resynth after each role change (a child process each).
  ({ sim, reporter, deps } = await inProcessPair(project, TOKEN, { deps: { deferSynth: true } }));
});
afterEach(async () => {
  for (const u of undo.splice(0).reverse()) u();
  fs.rmSync(stateFile(), { force: true });
  await sim.stop();
});

describe("a failover's preflight", () => {
  it("says what it proved: the binary's version, the backend, the state read, the lock free for the link it forgets", async () => {
    await failover(options, depsWith(new StrictTerraform(project.stack().workingDirectory, ALL, "1.11.4")));
    expect(reporter.lines).toContain(
      `terraform 1.11.4: backend ready, state of pg-primary read from the local state file ${stateFile()}, lock free for removing ${LINK}; phase file writable`,
    );
    expect(output()).not.toMatch(/readable by others/);
  });

  it("asks for the stack's own required version when it is above the tooling's minimum, sending nothing to an older binary", async () => {
    const file = project.stack().file;
    const synthesized = fs.readFileSync(file, "utf8");
    const json = JSON.parse(synthesized);
    expect(json.terraform.required_version).toBe(">= 1.10.0");
    try {
      fs.writeFileSync(
        file,
        JSON.stringify({ ...json, terraform: { ...json.terraform, required_version: ">= 1.11.0" } }),
      );
      const terraform = new StrictTerraform(project.stack().workingDirectory, ALL, "1.10.5");
      await expect(failover(options, depsWith(terraform))).rejects.toThrow(
        "terraform 1.10.5 is older than 1.11.0, which this stack needs",
      );
      expect(sim.apiCalls("PUT")).toEqual([]);
    } finally {
      fs.writeFileSync(file, synthesized);
    }
    // The tooling's own minimum, from a stack that asks for no more.
    await failover(options, depsWith(new StrictTerraform(project.stack().workingDirectory, ALL, "1.10.5")));
    expect(sim.apiCalls("PUT")).toHaveLength(1);
  });

  it("with the primary's region unreachable, names both addresses it will forget", async () => {
    sim.faults.add({ kind: "unreadable", path: "service/pg-primary$" });
    await failover(
      { ...options, primaryUnreachable: true },
      depsWith(new StrictTerraform(project.stack().workingDirectory, ALL)),
    );
    expect(reporter.lines).toContain(
      `terraform 1.11.4: backend ready, state of pg-primary read from the local state file ${stateFile()}, lock free for removing ${LINK} and aiven_pg.primary; phase file writable`,
    );
  });

  it("takes no lock for a link state no longer holds (an earlier run forgot it) and claims none", async () => {
    const terraform = new StrictTerraform(project.stack().workingDirectory, ["aiven_pg.primary", "aiven_pg.recovery"]);
    await expect(failover(options, depsWith(terraform))).resolves.toMatchObject({ triggered: true });
    expect(reporter.lines).toContain(
      `terraform 1.11.4: backend ready, state of pg-primary read from the local state file ${stateFile()}; phase file writable`,
    );
    expect(terraform.calls.filter((c) => c.startsWith("state rm"))).toEqual([]);
    expect(sim.apiCalls("PUT").map((c) => c.path)).toEqual(["/v1/project/crdr-test/service/pg-primary"]);
  });

  it.each([
    ["group", 0o640, "640"],
    ["everyone", 0o604, "604"],
  ])("warns when the local state file is readable by %s (it holds the passwords)", async (_who, mode, shown) => {
    fs.writeFileSync(stateFile(), "{}");
    fs.chmodSync(stateFile(), mode);
    await failover(options, deps);
    expect(reporter.lines).toContain(
      `! ${path.relative(project.dir, stateFile())} is readable by others (mode ${shown}) and holds the services' passwords; chmod 600 it`,
    );
  });

  it("does not warn about a local state file only its owner can read", async () => {
    fs.writeFileSync(stateFile(), "{}", { mode: 0o600 });
    fs.chmodSync(stateFile(), 0o600);
    await failover(options, deps);
    expect(output()).not.toMatch(/readable by others/);
  });

  it("refuses, sending nothing, when the phase folder cannot be written", async () => {
    fs.mkdirSync(project.phaseDir, { recursive: true });
    undo.push(makeImmutable(project.phaseDir).undo);
    await expect(failover(options, deps)).rejects.toMatchObject({
      exitCode: 2,
      message: `The phase file ${project.phaseFile()} cannot be written (EPERM); make it writable, then rerun. Nothing was sent to Aiven.`,
    });
    expect(sim.apiCalls("PUT")).toEqual([]);
  });

  it("refuses, sending nothing, when a folder the run writes after the change cannot be written", async () => {
    const backups = path.join(project.dir, ".crdr", "backups");
    fs.mkdirSync(path.dirname(backups), { recursive: true });
    fs.writeFileSync(backups, "a file where the backups folder belongs");
    await expect(failover(options, deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^The folder .*\/\.crdr\/backups cannot be written \(EEXIST\)/),
    });
    expect(sim.apiCalls("PUT")).toEqual([]);
  });
});
