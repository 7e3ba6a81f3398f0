import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { REPO } from "../../support/project-fixture";

export const WORKFLOW_FILE = path.join(REPO, ".github", "workflows", "plan-review.yml");

export interface WorkflowStep {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}

export interface Workflow {
  readonly text: string;
  readonly doc: any;
  readonly job: { env?: Record<string, string>; steps: WorkflowStep[] };
}

export function loadWorkflow(): Workflow {
  const text = fs.readFileSync(WORKFLOW_FILE, "utf8");
  const doc = parse(text);
  return { text, doc, job: doc.jobs["plan-review"] };
}

export function step(workflow: Workflow, name: string): WorkflowStep {
  const found = workflow.job.steps.find((s) => s.name === name);
  if (!found) throw new Error(`The workflow has no step named "${name}"`);
  return found;
}

/** What a job run sees: secrets, variables, the GitHub context it reads. */
export interface RunInputs {
  readonly secrets: Record<string, string>;
  readonly vars?: Record<string, string>;
  readonly github?: Record<string, string>;
}

/** Expands the `${{ … }}` expressions a value holds, as the runner would; fails on any this harness does not know. */
export function expand(value: string, inputs: RunInputs): string {
  return String(value).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const [scope, ...rest] = expr.split(".");
    const key = rest.join(".");
    if (scope === "secrets") return inputs.secrets[key] ?? "";
    if (scope === "vars") return inputs.vars?.[key] ?? "";
    if (scope === "github" && inputs.github && key in inputs.github) return inputs.github[key];
    throw new Error(`the workflow harness cannot evaluate \${{ ${expr} }}`);
  });
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

/**
 * Runs the job's steps in `cwd` as the runner does: a step without `if` only
 * while every step before it succeeded, `${{ !cancelled() }}` always. Shell
 * steps run with `bash --noprofile --norc -eo pipefail` and the job's and
 * step's env; the github-script step runs against `fake`. Steps named in
 * `prepared` (install, synth: the test did them) and the setup actions (the
 * machine has node and terraform) count as succeeded.
 */
export function runJob(workflow: Workflow, options: { cwd: string; inputs: RunInputs; env: NodeJS.ProcessEnv; prepared: string[]; fake: FakeGitHub }): StepOutcome[] {
  const outcomes: StepOutcome[] = [];
  const summary = path.join(options.cwd, ".step-summary");
  for (const s of workflow.job.steps) {
    const name = s.name ?? s.uses ?? "?";
    const allSucceeded = outcomes.every((o) => o.outcome !== "failure");
    const condition = s.if === undefined ? allSucceeded : s.if.replace(/\s+/g, "") === "${{!cancelled()}}" ? true : undefined;
    if (condition === undefined) throw new Error(`the workflow harness cannot evaluate if: ${s.if}`);
    if (!condition) {
      outcomes.push({ name, outcome: "skipped" });
      continue;
    }
    const env: NodeJS.ProcessEnv = { ...options.env, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: path.join(options.cwd, ".step-output") };
    for (const [k, v] of Object.entries({ ...workflow.job.env, ...s.env })) env[k] = expand(v, options.inputs);
    if (options.prepared.includes(name) || (s.uses && !s.uses.startsWith("actions/github-script"))) {
      outcomes.push({ name, outcome: "success" });
    } else if (s.run !== undefined) {
      const stepDir = fs.mkdtempSync(path.join(os.tmpdir(), "step-"));
      const file = path.join(stepDir, "step.sh");
      fs.writeFileSync(file, s.run);
      const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", file], { cwd: options.cwd, env, encoding: "utf8" });
      fs.rmSync(stepDir, { recursive: true, force: true });
      outcomes.push({ name, outcome: run.status === 0 ? "success" : "failure", code: run.status, output: run.stdout + run.stderr });
    } else {
      const script = runGithubScript(String(s.with?.script), options.cwd, env, options.fake);
      outcomes.push({ name, outcome: script.ok ? "success" : "failure", script });
    }
  }
  return outcomes;
}

export function runGithubScript(script: string, cwd: string, env: NodeJS.ProcessEnv, fake: FakeGitHub): ScriptRun {
  const base = { full_name: "acme/crdr" };
  const spec = {
    script,
    comments: fake.comments,
    writeFails: fake.writeFails,
    repository: base,
    pullRequest: { number: 7, base: { repo: base }, head: { repo: { full_name: fake.fromFork ? "someone/crdr" : "acme/crdr" } } },
  };
  const run = spawnSync(process.execPath, [path.join(__dirname, "github-script-harness.js")], { cwd, env, input: JSON.stringify(spec), encoding: "utf8" });
  if (run.status !== 0) throw new Error(`the github-script harness crashed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}
