import * as fs from "fs";
import { PhaseRecord } from "../lib/phase/phase-record";
import { ProjectFixture, runScript, STACK } from "./support/project-fixture";

/** `npm run phase-migrate`, run as an engineer runs it in a checkout, and what synth reads afterwards. */
const RECORD: PhaseRecord = {
  phase: "failed-over",
  primary: "frozen",
  since: "2026-11-25T10:00:00.000Z",
  operation: "failover",
  runId: "r1",
};

let project: ProjectFixture;
beforeEach(() => (project = ProjectFixture.create()));
afterEach(() => project.remove());

const writeLegacy = (pairs: Record<string, unknown>) =>
  fs.writeFileSync(project.legacyPhaseFile, JSON.stringify({ version: 1, pairs }, null, 2) + "\n");
const migrate = (env: NodeJS.ProcessEnv = {}) => runScript(project, "phase-migrate", [], env);

describe("npm run phase-migrate", () => {
  it("moves the old single file into the folder, one file per pair, verified, removes the old file, and synth reads the pair's file", async () => {
    writeLegacy({ [STACK]: RECORD });
    expect(project.synth().pair.phase).toEqual(RECORD);
    const run = await migrate();
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      `Wrote the phases of 1 pair(s) into crdr-phases/, read all 1 back equal to crdr-phases.json's records (${STACK}), and removed crdr-phases.json. Commit the folder and the removal together.\n`,
    );
    expect(run.code).toBe(0);
    expect(fs.existsSync(project.legacyPhaseFile)).toBe(false);
    expect(fs.readdirSync(project.phaseDir)).toEqual([`${STACK}.json`]);
    expect(project.phases()).toEqual({ [STACK]: RECORD });
    expect(project.synth().pair.phase).toEqual(RECORD);

    const again = await migrate();
    expect(again.stdout).toBe(
      "Nothing to migrate: crdr-phases.json does not exist, so the phases are in crdr-phases/, one file per pair.\n",
    );
    expect(again.code).toBe(0);
  });

  it("refuses when the folder and the old file both exist and disagree: exit 2, one sentence, nothing changed; synth refuses the same", async () => {
    writeLegacy({ [STACK]: RECORD });
    project.writePhases({
      [STACK]: { phase: "normal", operation: "revert", runId: "r2", since: "2026-11-26T10:00:00.000Z" },
    });
    const before = fs.readFileSync(project.legacyPhaseFile, "utf8");
    const run = await migrate();
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `✖ The phase folder ${project.phaseDir} and the old phase file ${project.legacyPhaseFile} both exist and disagree on "${STACK}"; keep the one that is right (the tooling now writes the folder), delete the other, then rerun.\n`,
    );
    expect(fs.readFileSync(project.legacyPhaseFile, "utf8")).toBe(before);
    expect(project.phases()[STACK].phase).toBe("normal");
    expect(() => project.synth()).toThrow(/both exist and disagree on "pg-primary"/);
  });

  it("refuses an old entry for a stack main.ts does not declare, naming it and the fix, and moves nothing (found by a red-team run)", async () => {
    project.synth();
    writeLegacy({ [STACK]: RECORD, "pg-ghost": RECORD });
    const before = fs.readFileSync(project.legacyPhaseFile, "utf8");
    const run = await migrate();
    expect(run.stderr).toBe(
      `✖ ${project.legacyPhaseFile} names "pg-ghost", which main.ts does not declare (declared in cdktf.out: "${STACK}"); fix the stack name or remove the entry (run npm run synth first if main.ts changed since), then rerun. Nothing was migrated.\n`,
    );
    expect(run.stdout).toBe("");
    expect(run.code).toBe(2);
    expect(fs.readFileSync(project.legacyPhaseFile, "utf8")).toBe(before);
    expect(fs.existsSync(project.phaseDir)).toBe(false);
  });

  it("never synthesized, synthesizes to learn the declared stacks, and an undeclared old entry stops it with synth's sentence", async () => {
    writeLegacy({ [STACK]: RECORD, "pg-ghost": RECORD });
    const run = await migrate();
    expect(run.stderr).toMatch(
      /names "pg-ghost", which main\.ts does not declare \(declared: "pg-primary"\); fix the stack name or remove the entry/,
    );
    expect(run.code).toBe(2);
    expect(fs.existsSync(project.legacyPhaseFile)).toBe(true);
    expect(fs.existsSync(project.phaseDir)).toBe(false);
  });

  it("refuses a phase file whose .json is not in lower case, naming it, where it was silently ignored (found by a red-team run)", async () => {
    project.writePhases({ [STACK]: RECORD });
    fs.renameSync(project.phaseFile(), `${project.phaseDir}/${STACK}.JSON`);
    const run = await runScript(project, "synth", [], {});
    expect(run.stderr).toContain(
      `The phase folder ${project.phaseDir} holds "${STACK}.JSON", whose .json is not in lower case, so nothing reads it; rename it to "${STACK}.json" (or remove it).`,
    );
    expect(run.code).toBe(2);
    expect(fs.existsSync(`${project.outdir}/manifest.json`)).toBe(false);
  });

  it("refuses a file where the phase folder belongs, instead of saying the phases are in it (found by a red-team run)", async () => {
    // Without an old file it said "Nothing to migrate … the phases are in crdr-phases/", exit 0.
    fs.writeFileSync(project.phaseDir, "not a folder\n");
    const run = await migrate();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /crdr-phases is a file, where the phase folder \(one file per pair\) belongs; .*Nothing was migrated\.\n$/,
    );
    expect(fs.readFileSync(project.phaseDir, "utf8")).toBe("not a folder\n");
  });

  it("refuses the old CRDR_PHASE_FILE variable, saying to set CRDR_PHASE_DIR, and moves nothing", async () => {
    writeLegacy({ [STACK]: RECORD });
    const run = await migrate({ CRDR_PHASE_FILE: "crdr-phases.json" });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      '✖ CRDR_PHASE_FILE ("crdr-phases.json") is no longer read, since each pair\'s phase is a file of its own in a folder; remove it and set CRDR_PHASE_DIR (or context "phaseDir") to "crdr-phases", where crdr-phases.json is still read until npm run phase-migrate moves it into that folder.\n',
    );
    expect(fs.existsSync(project.phaseDir)).toBe(false);
  });
});
