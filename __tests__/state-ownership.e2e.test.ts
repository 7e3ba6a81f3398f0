import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { pushRehearsalState } from "../lib/drill/rehearsal-state";
import { PairManifest } from "../lib/contract/pair-manifest";
import { useDrScenario } from "./support/dr-scenario";
import { DR_OPERATIONS, runOperation } from "./support/dr-operations";
import { makeImmutable } from "./support/immutable";
import { STACK } from "./support/project-fixture";

/**
 * Before any role change, the preflight proves that the Terraform state it
 * will reconcile is this pair's: read from the backend the stack declares,
 * holding the pinned addresses the phase expects with the pair's names. A
 * state read from anywhere else would let the change go out while the real
 * state never learns of it.
 */
const TOKEN = "tok-ownership-5b1e07c2";
const scenario = useDrScenario(TOKEN);
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];

const roleChanges = () => scenario.sim.apiCalls("PUT");

function expectRefused(run: { code: number | null; stderr: string }, message: RegExp): void {
  expect(run.stderr.trim().split("\n")[0]).toMatch(/^✖ /);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  expect(run.code).toBe(2);
  expect(roleChanges()).toEqual([]);
}

/** The state of another pair (other service names), pushed to this pair's state file. */
async function pushOtherPairsState(): Promise<void> {
  const pair = scenario.project.stack().pair;
  const other: PairManifest = {
    ...pair,
    primary: { ...pair.primary, serviceName: "pg-other" },
    recovery: { ...pair.recovery, serviceName: "pg-other-dr" },
  };
  await pushRehearsalState(scenario.project.terraform(), other, {
    primary: true,
    recovery: true,
    integrationId: "99999999-2222-3333-4444-555555555555",
  });
}

describe.each(DR_OPERATIONS)("$script sends nothing unless the state is the pair's", (operation) => {
  beforeEach(() => operation.arrange(scenario));

  it("when the state file is missing, naming the file it read", async () => {
    fs.rmSync(scenario.project.stateFile);
    const run = await runOperation(scenario, operation.script);
    expectRefused(
      run,
      new RegExp(
        `The Terraform state read from the local state file ${scenario.project.stateFile.replace(/[.]/g, "\\.")} is not ${STACK}'s: no state exists there\\. Check CRDR_BACKEND`,
      ),
    );
  });

  it("when the state is another pair's, naming what it holds", async () => {
    await pushOtherPairsState();
    const run = await runOperation(scenario, operation.script);
    expectRefused(
      run,
      /is not pg-primary's: aiven_pg\.primary holds pg-other in project crdr-test, not pg-primary in crdr-test; aiven_pg\.recovery holds pg-other-dr/,
    );
  });
});

describe("failover with the state somewhere else", () => {
  beforeEach(() => DR_OPERATIONS[0].arrange(scenario));

  afterEach(async () => {
    // Whatever happened, the pair's real state file still holds all three.
    const state = JSON.parse(fs.readFileSync(scenario.project.stateFile, "utf8")) as {
      resources: Array<{ type: string; name: string }>;
    };
    expect(state.resources.map((r) => `${r.type}.${r.name}`).sort()).toEqual(ALL);
  });

  it("refuses when CRDR_BACKEND in the shell points elsewhere (the working directory was initialised for the real one)", async () => {
    const run = await runOperation(scenario, "failover", [], {
      CRDR_BACKEND: JSON.stringify({ type: "local", stateDir: "elsewhere" }),
    });
    expectRefused(
      run,
      /cdktf\.out\/stacks\/pg-primary\/\.terraform was initialised against another backend than the stack declares \(path "[^"]*terraform\.pg-primary\.tfstate" where the stack declares "[^"]*elsewhere\/pg-primary\.tfstate"\); run "terraform init -reconfigure" there/,
    );
  });

  it("refuses when CRDR_BACKEND points elsewhere in a fresh checkout, naming the empty backend it read", async () => {
    fs.rmSync(path.join(scenario.project.stack().workingDirectory, ".terraform"), { recursive: true });
    const run = await runOperation(scenario, "failover", [], {
      CRDR_BACKEND: JSON.stringify({ type: "local", stateDir: "elsewhere" }),
    });
    expectRefused(
      run,
      new RegExp(
        `read from the local state file ${path.join(scenario.project.dir, "elsewhere", "pg-primary.tfstate").replace(/[.]/g, "\\.")} is not pg-primary's: no state exists there`,
      ),
    );
  });

  it("refuses when .terraform was initialised with -backend-config pointing at another state", async () => {
    const other = path.join(scenario.project.dir, "other.tfstate");
    try {
      execFileSync(
        "terraform",
        ["init", "-reconfigure", "-input=false", "-no-color", `-backend-config=path=${other}`],
        {
          cwd: scenario.project.stack().workingDirectory,
          env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" },
          stdio: "ignore",
        },
      );
    } catch {
      // Provider download fails offline; the backend is set up by then.
    }
    const run = await runOperation(scenario, "failover");
    expectRefused(
      run,
      new RegExp(
        `\\.terraform was initialised against another backend than the stack declares \\(path "${other.replace(/[.]/g, "\\.")}" where the stack declares "[^"]*terraform\\.pg-primary\\.tfstate"\\)`,
      ),
    );
  });

  it("refuses when the state holds the pair without its recovery service", async () => {
    await scenario.project.terraform().stateRm(["aiven_pg.recovery"]);
    const run = await runOperation(scenario, "failover");
    expectRefused(
      run,
      /is not pg-primary's: it holds no aiven_pg\.recovery \(it holds aiven_pg\.primary, aiven_service_integration\.disaster_recovery\)/,
    );
    await pushRehearsalState(scenario.project.terraform(), scenario.project.stack().pair, {
      primary: true,
      recovery: true,
      integrationId: "11111111-2222-3333-4444-555555555555",
    });
  });
});

describe("every folder the run writes after the change is checked before it", () => {
  beforeEach(() => DR_OPERATIONS[0].arrange(scenario));

  it("refuses when .crdr/backups is a file", async () => {
    fs.mkdirSync(path.join(scenario.project.dir, ".crdr"), { recursive: true });
    fs.writeFileSync(path.join(scenario.project.dir, ".crdr", "backups"), "");
    const run = await runOperation(scenario, "failover");
    expectRefused(
      run,
      /The folder .*\.crdr\/backups cannot be written \(EEXIST\); the run writes there once Aiven has changed, so make it a writable folder/,
    );
  });

  it("refuses when .crdr/backups cannot be written", async () => {
    const backups = path.join(scenario.project.dir, ".crdr", "backups");
    fs.mkdirSync(backups, { recursive: true });
    const lock = makeImmutable(backups);
    try {
      const run = await runOperation(scenario, "failover");
      expectRefused(run, /The folder .*\.crdr\/backups cannot be written \(EPERM\)/);
    } finally {
      lock.undo();
    }
  });
});
