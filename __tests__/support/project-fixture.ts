import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pushRehearsalState } from "../../lib/drill/rehearsal-state";
import { isOperation } from "../../lib/cli/crdr-commands";
import { legacyPhaseFileOf, PHASE_DIR_NAME } from "../../lib/phase/phase-folder";
import { pairPhaseFile } from "../../lib/phase/pair-phase-file";
import { synthesize } from "../../lib/synth/synthesize";
import { SynthesizedStack } from "../../lib/synth/synthesized-stack";
import { TerraformCli } from "../../lib/terraform/terraform-cli";
import { startChild } from "./child-processes";

export const REPO = path.resolve(__dirname, "..", "..");
export const STACK = "pg-primary";

/**
 * A package.json in `dir` whose npm scripts are the repository's own, run
 * from there (their `node tools/run-built.js` pointed at this repository):
 * `npm run failover …` in `dir` runs as it does in an engineer's checkout.
 */
export function writeRepositoryScripts(dir: string, name: string): void {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const runBuilt = `node ${path.join(REPO, "tools", "run-built.js")}`;
  const here = Object.fromEntries(
    Object.entries(scripts).map(([script, line]) => [script, line.replace("node tools/run-built.js", runBuilt)]),
  );
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true, scripts: here }));
}

/**
 * A throw-away project that synthesizes the repository's compiled main.ts
 * (via cdktf.json's `app`, as an engineer's checkout would), with its own
 * phase folder, cdktf.out, local state and journal.
 */
export class ProjectFixture {
  /**
   * @param app the compiled synth app, relative to the repository's dist/
   * @param env settings for synth and terraform (such as CRDR_BACKEND); the scripts need them too
   */
  static create(app = "main.js", env: NodeJS.ProcessEnv = {}): ProjectFixture {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-project-"));
    fs.writeFileSync(
      path.join(dir, "cdktf.json"),
      JSON.stringify(
        { language: "typescript", app: `node ${JSON.stringify(path.join(REPO, "dist", app))}`, context: {} },
        null,
        2,
      ),
    );
    return new ProjectFixture(dir, env);
  }

  private constructor(
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  get outdir(): string {
    return path.join(this.dir, "cdktf.out");
  }
  /** The phase folder, one file per pair (the default place, as in a checkout). */
  get phaseDir(): string {
    return path.join(this.dir, PHASE_DIR_NAME);
  }
  /** The pair's phase file in the folder. */
  phaseFile(stack = STACK): string {
    return pairPhaseFile(this.phaseDir, stack);
  }
  /** The old single phase file, before the migration to the folder. */
  get legacyPhaseFile(): string {
    return legacyPhaseFileOf(this.phaseDir);
  }
  get stateFile(): string {
    return path.join(this.dir, `terraform.${STACK}.tfstate`);
  }

  synth(): SynthesizedStack {
    synthesize(this.dir, { ...process.env, ...this.env });
    return this.stack();
  }

  stack(name = STACK): SynthesizedStack {
    return SynthesizedStack.load(this.outdir, name);
  }

  terraform(name = STACK): TerraformCli {
    return new TerraformCli({
      cwd: this.stack(name).workingDirectory,
      env: { ...process.env, ...this.env, TF_CLI_CONFIG_FILE: "/dev/null" },
    });
  }

  /**
   * A real local state holding the pair's resources at the addresses the
   * synthesized stack names, pushed with `terraform state push`.
   */
  async seedState(): Promise<void> {
    const { pair } = this.synth();
    await pushRehearsalState(this.terraform(), pair, {
      primary: true,
      recovery: true,
      integrationId: "11111111-2222-3333-4444-555555555555",
    });
  }

  async stateAddresses(name = STACK): Promise<string[]> {
    return this.terraform(name).stateList();
  }

  /** Each recorded pair's record as its file holds it (without the file's $comment and version); {} when none is. */
  phases(): Record<string, any> {
    if (!fs.existsSync(this.phaseDir)) return {};
    const files = fs.readdirSync(this.phaseDir).filter((f) => f.endsWith(".json"));
    return Object.fromEntries(
      files.map((f) => {
        const {
          $comment: _comment,
          version: _version,
          ...record
        } = JSON.parse(fs.readFileSync(path.join(this.phaseDir, f), "utf8"));
        return [f.slice(0, -".json".length), record];
      }),
    );
  }

  /** Writes these pairs' phase files, as the tooling writes them. */
  writePhases(records: Record<string, unknown>): void {
    fs.mkdirSync(this.phaseDir, { recursive: true });
    for (const [stack, record] of Object.entries(records))
      fs.writeFileSync(this.phaseFile(stack), JSON.stringify({ version: 1, ...(record as object) }, null, 2) + "\n");
  }

  /** Removes every phase file (the old single one too): every pair is normal again. */
  clearPhases(): void {
    fs.rmSync(this.phaseDir, { recursive: true, force: true });
    fs.rmSync(this.legacyPhaseFile, { force: true });
  }

  /** Every file under the project, for secret scans. */
  allFiles(): string[] {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, e.name);
        if (e.isDirectory()) walk(full);
        else out.push(full);
      }
    };
    walk(this.dir);
    return out;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface ScriptRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a `crdr` command in the fixture project, as its npm script does (an
 * operation through dist/scripts/crdr.js, any other command by its own
 * compiled script), asynchronously (the simulator shares this process);
 * killed after the test if still running.
 */
export function runScript(
  project: ProjectFixture,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onSpawn?: (child: ChildProcess) => void,
): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const command = isOperation(script)
      ? [path.join(REPO, "dist", "scripts", "crdr.js"), script]
      : [path.join(REPO, "dist", "scripts", `${script}.js`)];
    const child = startChild(process.execPath, [...command, ...args], {
      cwd: project.dir,
      env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    onSpawn?.(child);
  });
}
