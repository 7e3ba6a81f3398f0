import fc from "fast-check";
import * as fs from "fs";
import { pushRehearsalState } from "../lib/drill/rehearsal-state";
import { SimServer } from "../lib/simulator/sim-server";
import { TerraformRunner } from "../lib/terraform/terraform-runner";
import {
  campaignClient,
  campaignSimulator,
  CampaignWorld,
  describeSchedule,
  PhaseStacks,
  recordedTerraform,
  resetProject,
  Schedule,
  scheduleArbitrary,
} from "./support/fault-campaign";
import { ProjectFixture } from "./support/project-fixture";
import { requireTerraform } from "./support/terraform";

/**
 * The standing fault campaign (issue 17, item 14): random fault schedules
 * drive failover, revert, switchover and switchback in process against the
 * simulator, and after each the promises hold: at most one applied role
 * change per intent, none sent again once applied, state never lost and each
 * backup equal to the state as it was, phase file, state and Aiven agreeing
 * once a run exits 0, and no message claiming a change Aiven does not show.
 *
 * Most schedules use a recorded Terraform (the real binary makes a schedule
 * seconds long); a few run the real terraform on local state. CI runs a
 * bounded number; `npm run campaign -- --runs 500` runs more, and
 * `--seed N` (printed below, and by fast-check on a failure) replays them.
 */
const RUNS = Number(process.env.CRDR_CAMPAIGN_RUNS) || 16;
const REAL_TERRAFORM_RUNS = Number(process.env.CRDR_CAMPAIGN_REAL_RUNS ?? 2);
const SEED = Number(process.env.CRDR_CAMPAIGN_SEED) || Date.now() % 2_147_483_647;
const PATH = process.env.CRDR_CAMPAIGN_PATH || undefined;

let project: ProjectFixture;
const stacks = new PhaseStacks();
let sim: SimServer | undefined;

beforeAll(() => {
  project = ProjectFixture.create();
  project.synth();
  process.stdout.write(
    `fault campaign: seed ${SEED}, ${RUNS} schedules (replay: npm run campaign -- --seed ${SEED} --runs ${RUNS} --real-runs ${REAL_TERRAFORM_RUNS})\n`,
  );
});
afterAll(() => {
  project.remove();
  stacks.remove();
});
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** Plays one schedule in a fresh world and fails with every promise it broke. */
async function play(schedule: Schedule, terraform: () => Promise<TerraformRunner>): Promise<void> {
  await sim?.stop();
  resetProject(project);
  sim = campaignSimulator(project);
  const url = await sim.start();
  const world = new CampaignWorld(schedule, sim, project, stacks, campaignClient(url), await terraform());
  const unfinished = await world.play();
  const broken = [
    ...(await world.violations()),
    ...unfinished.map((u) => `with the faults cleared, the operation still did not finish: ${u}`),
  ];
  if (broken.length) {
    const runs = world.runs
      .map(
        (r) =>
          `  run ${r.run} ${r.operation}: ${r.killed ? "killed" : `exit ${r.exitCode}`}\n    ${r.said.split("\n").slice(-4).join("\n    ")}`,
      )
      .join("\n");
    throw new Error(`${broken.join("\n")}\nschedule: ${describeSchedule(schedule)}\nruns:\n${runs}`);
  }
}

const parameters = (numRuns: number): fc.Parameters<[Schedule]> => ({
  numRuns,
  seed: SEED,
  path: PATH,
  endOnFailure: !process.env.CRDR_CAMPAIGN_SHRINK,
});

describe("the fault campaign", () => {
  it(
    `keeps every promise over ${RUNS} random fault schedules (recorded Terraform)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(scheduleArbitrary(), (schedule) => play(schedule, async () => recordedTerraform(project))),
        parameters(RUNS),
      );
    },
    40_000 + RUNS * 8_000,
  );

  it(
    `keeps every promise over ${REAL_TERRAFORM_RUNS} random fault schedules on the real terraform and local state`,
    async () => {
      requireTerraform();
      const realState = async () => {
        fs.rmSync(project.stateFile, { force: true });
        const terraform = project.terraform();
        await pushRehearsalState(terraform, project.stack().pair, {
          primary: true,
          recovery: true,
          integrationId: "11111111-2222-3333-4444-555555555555",
        });
        return terraform;
      };
      await fc.assert(
        fc.asyncProperty(scheduleArbitrary(), (schedule) => play(schedule, realState)),
        parameters(REAL_TERRAFORM_RUNS),
      );
    },
    60_000 + REAL_TERRAFORM_RUNS * 30_000,
  );
});
