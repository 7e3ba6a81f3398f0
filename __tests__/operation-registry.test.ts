import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import {
  CRDR_COMMANDS,
  npmScriptOf,
  runsWithoutDeclarations,
  TOOL_COMMANDS,
  ToolCommandName,
} from "../lib/cli/crdr-commands";
import { nextStep } from "../lib/ci/next-step";
import { OPERATION_REGISTRY, rehearsalOrder } from "../lib/operations/operation-registry";
import { OPERATIONS, OperationName } from "../lib/phase/phase-record";
import { PHASE_TRANSITIONS } from "../lib/phase/phase-transitions";
import { DR_OPERATIONS } from "./support/dr-operations";
import { REPO } from "./support/project-fixture";

/**
 * The operation registry is the one list of DR operations: what restates it
 * outside TypeScript (the workflow, its shell steps, the README, the npm
 * scripts) is checked against it here, so adding an operation fails these
 * until every copy knows it.
 */
const DISPATCHABLE = [...OPERATIONS, "status", "drill"];

describe("the operation registry", () => {
  it("lands each operation on the phase PHASE_TRANSITIONS gives it", () => {
    for (const operation of OPERATIONS)
      expect(OPERATION_REGISTRY[operation].landsOn).toBe(PHASE_TRANSITIONS[operation].to);
  });

  it("gives the drill an order that goes once round the phases, each operation starting where the one before left the pair", () => {
    const order = rehearsalOrder();
    expect(order).toEqual(["failover", "revert", "switchover", "switchback"]);
    let phase = "normal";
    for (const operation of order) {
      expect(PHASE_TRANSITIONS[operation].from).toContain(phase);
      phase = PHASE_TRANSITIONS[operation].to;
    }
    expect(phase).toBe("normal");
  });

  it("names only registered operations in its next steps", () => {
    for (const operation of OPERATIONS) {
      const named: string[] = [];
      OPERATION_REGISTRY[operation].nextStep((next) => {
        named.push(next);
        return next;
      });
      for (const next of named) expect(OPERATIONS).toContain(next);
      expect(nextStep(operation, { operation, stack: "pg-primary", dryRun: false }).length).toBeGreaterThan(0);
    }
  });
});

describe("what restates the registry outside TypeScript", () => {
  it("the dr-operation workflow offers exactly the registry's operations, then status and the drill", () => {
    const workflow = parse(fs.readFileSync(path.join(REPO, ".github", "workflows", "dr-operation.yml"), "utf8")) as {
      on: { workflow_dispatch: { inputs: { operation: { options: string[] } } } };
    };
    expect(workflow.on.workflow_dispatch.inputs.operation.options).toEqual(DISPATCHABLE);
  });

  describe("lib/ci/dispatch-plan.sh", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-dispatch-plan-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const plan = (env: Record<string, string>) => {
      const output = path.join(dir, "output");
      fs.writeFileSync(output, "");
      const run = spawnSync("bash", [path.join(REPO, "lib", "ci", "dispatch-plan.sh")], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, RUN_ID: "42-1", GITHUB_OUTPUT: output, DRY_RUN: "false", ...env },
      });
      const outputs = Object.fromEntries(
        fs
          .readFileSync(output, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
      );
      return { ...run, outputs };
    };

    it.each(OPERATIONS)("plans %s as an operation on the stack, behind the approval environment", (operation) => {
      const run = plan({ OPERATION: operation, STACK: "pg-primary" });
      expect(run.status).toBe(0);
      expect(run.outputs).toMatchObject({
        job: "operation",
        environment: "production-dr",
        lock: "crdr-dr-stack-pg-primary",
      });
      expect(run.outputs.args.split(" ").slice(0, 2)).toEqual(["--stack", "pg-primary"]);
    });

    it("refuses any other operation, naming exactly the dispatchable ones", () => {
      const run = plan({ OPERATION: "teleport", STACK: "pg-primary" });
      expect(run.status).toBe(2);
      expect(run.stdout.trim()).toBe(`::error::operation "teleport" is not one of ${DISPATCHABLE.join(", ")}.`);
    });

    it("passes failover's own inputs as flags the registry declares for failover", () => {
      const run = plan({
        OPERATION: "failover",
        STACK: "pg-primary",
        PRIMARY_UNREACHABLE: "true",
        STATE_ONLY: "true",
        ACCEPT_DATA_LOSS: "true",
      });
      expect(run.status).toBe(0);
      const declared = OPERATION_REGISTRY.failover.flags.map((f) => f.flags.split(" ")[0]);
      const own = run.outputs.args.split(" ").filter((a: string) => a.startsWith("--") && a !== "--stack");
      expect(own).toEqual(["--primary-unreachable", "--state-only", "--accept-data-loss"]);
      for (const flag of own) expect(declared).toContain(flag);
    });

    it("passes revert's --timeout under the job's 6 hours, a flag every operation takes", () => {
      expect(plan({ OPERATION: "revert", STACK: "pg-primary" }).outputs.args).toBe("--stack pg-primary --timeout 150m");
    });
  });

  it("lib/ci/find-open-phase-pull-request.sh looks for the branches of exactly the registry's operations", () => {
    const script = fs.readFileSync(path.join(REPO, "lib", "ci", "find-open-phase-pull-request.sh"), "utf8");
    expect(/\^crdr\/\(([a-z|-]+)\)-/.exec(script)?.[1].split("|")).toEqual([...OPERATIONS]);
  });

  it("the README's table of operations has one row per registered operation, with PHASE_TRANSITIONS' phases", () => {
    const docs = [path.join(REPO, "README.md"), ...listMarkdown(path.join(REPO, "docs"))]
      .map((f) => fs.readFileSync(f, "utf8"))
      .join("\n");
    const table = docs.split("\n").filter((l) => /^\| `npm run [a-z-]+ -- --stack S` \|/.test(l));
    const rows = table.map((l) => l.split("|").map((c) => c.trim()));
    expect(rows.map((r) => /npm run ([a-z-]+)/.exec(r[1])![1])).toEqual([...OPERATIONS]);
    for (const row of rows) {
      const operation = /npm run ([a-z-]+)/.exec(row[1])![1] as OperationName;
      expect(row[2]).toBe(PHASE_TRANSITIONS[operation].from.map((p) => `\`${p}\``).join(", "));
      expect(row[4].startsWith(`\`${PHASE_TRANSITIONS[operation].to}\``)).toBe(true);
    }
  });

  it("the end-to-end tests' table of operations (__tests__/support/dr-operations.ts) has each registered operation once, ending in its phase", () => {
    expect(DR_OPERATIONS.map((o) => o.script)).toEqual([...OPERATIONS]);
    for (const operation of DR_OPERATIONS) expect(operation.phase).toBe(PHASE_TRANSITIONS[operation.script].to);
  });

  it("package.json: each command's npm script runs it, and the crdr bin is declared", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.bin).toEqual({ crdr: "bin/crdr.js" });
    for (const operation of OPERATIONS)
      expect(pkg.scripts[npmScriptOf(operation)]).toBe(`node tools/run-built.js scripts/crdr ${operation}`);
    for (const command of Object.keys(TOOL_COMMANDS) as ToolCommandName[])
      expect(pkg.scripts[npmScriptOf(command)]).toBe(`node tools/run-built.js scripts/${command}`);
    for (const command of CRDR_COMMANDS)
      expect(
        fs.existsSync(
          path.join(REPO, "scripts", `${OPERATIONS.includes(command as OperationName) ? "crdr" : command}.ts`),
        ),
      ).toBe(true);
  });
});

describe("run-built's question: does an entry point run without main.ts", () => {
  it("answers yes for every operation and tool but synth, through crdr or the tool's own script", () => {
    for (const operation of OPERATIONS)
      expect(runsWithoutDeclarations("scripts/crdr", [operation, "--stack", "pg-primary"])).toBe(true);
    for (const command of ["status", "drill", "sim", "plan-review", "state-restore"]) {
      expect(runsWithoutDeclarations(`scripts/${command}`, [])).toBe(true);
      expect(runsWithoutDeclarations("scripts/crdr", [command])).toBe(true);
    }
    expect(runsWithoutDeclarations("scripts/crdr", ["--help"])).toBe(true);
  });

  it("answers no for the app, synth, and what it does not know", () => {
    expect(runsWithoutDeclarations("main", [])).toBe(false);
    expect(runsWithoutDeclarations("scripts/synth", [])).toBe(false);
    expect(runsWithoutDeclarations("scripts/crdr", ["synth"])).toBe(false);
    expect(runsWithoutDeclarations("scripts/crdr", ["teleport"])).toBe(false);
    expect(runsWithoutDeclarations("bench/index", [])).toBe(false);
  });
});

function listMarkdown(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listMarkdown(path.join(dir, e.name)) : e.name.endsWith(".md") ? [path.join(dir, e.name)] : [],
    );
}
