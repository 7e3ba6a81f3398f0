import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pushRehearsalState } from "../../lib/drill/rehearsal-state";
import { isOperation } from "../../lib/cli/crdr-commands";
import { PHASE_FILE_NAME } from "../../lib/phase/phase-file";
import { synthesize } from "../../lib/synth/synthesize";
import { SynthesizedStack } from "../../lib/synth/synthesized-stack";
import { TerraformCli } from "../../lib/terraform/terraform-cli";
import { startChild } from "./child-processes";

export const REPO = path.resolve(__dirname, "..", "..");
export const STACK = "pg-primary";

/**
 * A throw-away project that synthesizes the repository's compiled main.ts
 * (via cdktf.json's `app`, as an engineer's checkout would), with its own
 * phase file, cdktf.out, local state and journal.
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
      JSON.stringify({ language: "typescript", app: `node ${JSON.stringify(path.join(REPO, "dist", app))}`, context: {} }, null, 2),
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
  get phaseFile(): string {
    return path.join(this.dir, PHASE_FILE_NAME);
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
    return new TerraformCli({ cwd: this.stack(name).workingDirectory, env: { ...process.env, ...this.env, TF_CLI_CONFIG_FILE: "/dev/null" } });
  }

  /**
   * A real local state holding the pair's resources at the addresses the
   * synthesized stack names, pushed with `terraform state push`.
   */
  async seedState(): Promise<void> {
    const { pair } = this.synth();
    await pushRehearsalState(this.terraform(), pair, { primary: true, recovery: true, integrationId: "11111111-2222-3333-4444-555555555555" });
  }

  async stateAddresses(name = STACK): Promise<string[]> {
    return this.terraform(name).stateList();
  }

  phaseFileJson(): any {
    return fs.existsSync(this.phaseFile) ? JSON.parse(fs.readFileSync(this.phaseFile, "utf8")) : undefined;
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
    const command = isOperation(script) ? [path.join(REPO, "dist", "scripts", "crdr.js"), script] : [path.join(REPO, "dist", "scripts", `${script}.js`)];
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
