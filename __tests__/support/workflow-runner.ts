import { spawnSync } from "child_process";
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { markedEnv } from "./child-processes";
import { REPO } from "./project-fixture";
import { processesWhere, killAll } from "./test-children";

/**
 * A step runs synchronously, so no hook can stop it: it is bounded here, and
 * whatever it left running (found by a mark of its own) is killed when it
 * ends, as the runner does at the end of a job.
 */
const STEP_TIMEOUT_MS = 10 * 60_000;

function runStepScript(file: string, cwd: string, env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const step = randomUUID();
  const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], {
    cwd,
    env: markedEnv({ ...env, CRDR_WORKFLOW_STEP: step }),
    encoding: "utf8",
    timeout: STEP_TIMEOUT_MS,
    killSignal: "SIGKILL",
  });
  killAll(processesWhere((environ: string[]) => environ.includes(`CRDR_WORKFLOW_STEP=${step}`)));
  const timedOut =
    (run.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT"
      ? `\n(the step ran past ${STEP_TIMEOUT_MS / 1000}s and was killed)`
      : "";
  return { status: run.status, output: run.stdout + run.stderr + timedOut };
}
import { condition, evaluate, ExpressionContext, expandExpressions } from "./workflow-expressions";

export const WORKFLOWS_DIR = path.join(REPO, ".github", "workflows");

export interface WorkflowStep {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}

export interface WorkflowJob {
  readonly name?: string;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly environment?: string;
  readonly concurrency?: { group: string; "cancel-in-progress"?: boolean } | string;
  readonly permissions?: Record<string, string> | string;
  readonly outputs?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly steps: WorkflowStep[];
}

export interface Workflow {
  readonly text: string;
  readonly doc: any;
  /** The job under test. */
  readonly job: WorkflowJob;
}

/** Loads a workflow under .github/workflows and picks one of its jobs. */
export function loadWorkflow(file: string, jobId: string): Workflow {
  const text = fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
  const doc = parse(text);
  const job = doc.jobs?.[jobId];
  if (!job) throw new Error(`${file} has no job "${jobId}"`);
  return { text, doc, job };
}

export function step(workflow: Workflow, name: string): WorkflowStep {
  const found = workflow.job.steps.find((s) => s.name === name);
  if (!found) throw new Error(`The workflow has no step named "${name}"`);
  return found;
}

/** What a job run sees: secrets, variables, inputs, the GitHub context, and the outputs of the jobs it needs. */
export interface RunInputs {
  readonly secrets: Record<string, string>;
  readonly vars?: Record<string, string>;
  /** The github context; nested values such as `event.pull_request.base.sha` as objects. */
  readonly github?: Record<string, unknown>;
  readonly inputs?: Record<string, string | boolean>;
  readonly needs?: Record<string, { outputs: Record<string, string>; result?: string }>;
}

function expressionContext(
  inputs: RunInputs,
  steps: Record<string, { outputs: Record<string, string>; outcome: string }> = {},
  failed = false,
  runner: Record<string, string> = {},
): ExpressionContext {
  return {
    contexts: {
      secrets: inputs.secrets,
      vars: inputs.vars ?? {},
      github: inputs.github ?? {},
      inputs: inputs.inputs ?? {},
      needs: inputs.needs ?? {},
      steps,
      runner,
    },
    strict: ["github"],
    status: { failed },
  };
}

/** Expands the `${{ … }}` expressions a value holds, as the runner would; fails on any this harness does not know. */
export function expand(value: string, inputs: RunInputs): string {
  return expandExpressions(value, expressionContext(inputs));
}

/** Evaluates a job-level expression (its `if:`, `environment:`, `concurrency:`) for these inputs. */
export function evaluateForJob(expression: string, inputs: RunInputs): string | number | boolean | null {
  const bare = expression.trim().replace(/^\$\{\{\s*([\s\S]*?)\s*\}\}$/, "$1");
  return bare === expression.trim() ? expression : evaluate(bare, expressionContext(inputs));
}

export interface StepOutcome {
  readonly name: string;
  readonly outcome: "success" | "failure" | "skipped";
  readonly code?: number | null;
  readonly output?: string;
  readonly script?: ScriptRun;
}

export interface ScriptRun {
  readonly ok: boolean;
  readonly error?: string;
  readonly calls: any[];
  readonly warnings: string[];
  readonly summaries: string[];
}

/** A fake GitHub for the comment step: the PR's comments, and how writes answer. */
export interface FakeGitHub {
  readonly comments: Array<{ id: number; user: { login: string }; body: string }>;
  readonly writeFails?: number;
  readonly fromFork?: boolean;
}

/** Stands in for an action (`uses:`) the test cares about, such as the artifact actions; `with` is expanded. */
export type ActionStandIn = (step: { with: Record<string, string>; cwd: string }) => boolean;

export interface JobOptions {
  readonly cwd: string;
  readonly inputs: RunInputs;
  readonly env: NodeJS.ProcessEnv;
  /** Steps the test has done itself (install, synth), which count as succeeded. */
  readonly prepared?: string[];
  readonly fake?: FakeGitHub;
  /** Stand-ins by the action's name before its version (`actions/upload-artifact`); other actions count as succeeded. */
  readonly actions?: Record<string, ActionStandIn>;
}

export interface JobRun {
  readonly steps: StepOutcome[];
  /** The job's `outputs:`, evaluated at its end. */
  readonly outputs: Record<string, string>;
  /** What the steps appended to $GITHUB_STEP_SUMMARY. */
  readonly summary: string;
}

/** Reads what a step wrote to $GITHUB_OUTPUT: `name=value` lines and `name<<DELIMITER` blocks. */
function readStepOutputs(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const outputs: Record<string, string> = {};
  const lines = fs.readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const block = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (block) {
      const end = lines.indexOf(block[2], i + 1);
      outputs[block[1]] = lines.slice(i + 1, end).join("\n");
      i = end;
      continue;
    }
    const single = /^([^=]+)=(.*)$/.exec(lines[i]);
    if (single) outputs[single[1]] = single[2];
  }
  return outputs;
}

/**
 * Runs a job's steps in `cwd` as the runner does: each step's `if:` is
 * evaluated (no `if:` means while every step before succeeded), shell steps
 * run with `bash --noprofile --norc -eo pipefail` and the job's and step's
 * env, a step's $GITHUB_OUTPUT becomes `steps.<id>.outputs`, and the job's
 * `outputs:` are evaluated at the end. Each job gets a fresh runner.temp
 * ($RUNNER_TEMP) and $GITHUB_WORKSPACE is `cwd`. The github-script step runs against
 * `fake`; actions named in `actions` run their stand-in; other actions (the
 * setup actions: the machine has node and terraform) count as succeeded.
 * The runner's own files live in a temp folder that is removed afterwards.
 */
export function runJob(workflow: Workflow, options: JobOptions): JobRun {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-run-"));
  try {
    // Each job runs on a machine of its own: its own runner.temp, empty at the start.
    const runnerTemp = path.join(work, "runner-temp");
    fs.mkdirSync(runnerTemp);
    const runner = { temp: runnerTemp };
    const summary = path.join(work, "step-summary.md");
    fs.writeFileSync(summary, "");
    const outcomes: StepOutcome[] = [];
    const stepResults: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
    workflow.job.steps.forEach((s, index) => {
      const name = s.name ?? s.uses ?? "?";
      const context = expressionContext(
        options.inputs,
        stepResults,
        outcomes.some((o) => o.outcome === "failure"),
        runner,
      );
      if (!condition(s.if, context)) {
        outcomes.push({ name, outcome: "skipped" });
        if (s.id) stepResults[s.id] = { outputs: {}, outcome: "skipped" };
        return;
      }
      const outputFile = path.join(work, `output-${index}`);
      const env: NodeJS.ProcessEnv = {
        ...options.env,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_OUTPUT: outputFile,
        RUNNER_TEMP: runnerTemp,
        GITHUB_WORKSPACE: options.cwd,
      };
      for (const [k, v] of Object.entries({ ...workflow.job.env, ...s.env })) env[k] = expandExpressions(v, context);
      const actionName = s.uses?.split("@")[0];
      let outcome: StepOutcome;
      if (options.prepared?.includes(name)) {
        outcome = { name, outcome: "success" };
      } else if (s.run !== undefined) {
        const file = path.join(work, `step-${index}.sh`);
        fs.writeFileSync(file, s.run);
        const run = runStepScript(file, options.cwd, env);
        outcome = { name, outcome: run.status === 0 ? "success" : "failure", code: run.status, output: run.output };
      } else if (actionName === "actions/github-script") {
        const script = runGithubScript(String(s.with?.script), options.cwd, env, options.fake ?? { comments: [] });
        outcome = { name, outcome: script.ok ? "success" : "failure", script };
      } else if (actionName && options.actions?.[actionName]) {
        const withInputs = Object.fromEntries(
          Object.entries(s.with ?? {}).map(([k, v]) => [k, expandExpressions(String(v), context)]),
        );
        outcome = {
          name,
          outcome: options.actions[actionName]({ with: withInputs, cwd: options.cwd }) ? "success" : "failure",
        };
      } else {
        outcome = { name, outcome: "success" };
      }
      outcomes.push(outcome);
      if (s.id) stepResults[s.id] = { outputs: readStepOutputs(outputFile), outcome: outcome.outcome };
    });
    const endContext = expressionContext(options.inputs, stepResults, false, runner);
    const outputs = Object.fromEntries(
      Object.entries(workflow.job.outputs ?? {}).map(([k, v]) => [k, expandExpressions(v, endContext)]),
    );
    return { steps: outcomes, outputs, summary: fs.readFileSync(summary, "utf8") };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export function runGithubScript(script: string, cwd: string, env: NodeJS.ProcessEnv, fake: FakeGitHub): ScriptRun {
  const base = { full_name: "acme/crdr" };
  const spec = {
    script,
    comments: fake.comments,
    writeFails: fake.writeFails,
    repository: base,
    pullRequest: {
      number: 7,
      base: { repo: base },
      head: { repo: { full_name: fake.fromFork ? "someone/crdr" : "acme/crdr" } },
    },
  };
  const run = spawnSync(process.execPath, [path.join(__dirname, "github-script-harness.js")], {
    cwd,
    env,
    input: JSON.stringify(spec),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`the github-script harness crashed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}
