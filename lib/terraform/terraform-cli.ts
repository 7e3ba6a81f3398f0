import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { UserError } from "../user-error";

export interface TerraformCliOptions {
  /** The stack's working directory (`cdktf.out/stacks/<stack>`). */
  readonly cwd: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** How long to wait for a state lock. @default "60s" */
  readonly lockTimeout?: string;
}

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How init reports an invalid configuration: never tolerated. */
const CONFIG_PROBLEM = /problems with the configuration|Invalid expression|Unsupported (argument|block type)|Missing required argument|Error: Invalid /;
/** How init reports that it could not fetch providers: tolerated, the state commands do not need them. */
const PROVIDER_INSTALL_FAILURE = /Failed to query available provider packages|Failed to install provider|Failed to resolve provider packages|could not connect to registry|Incompatible provider version/;

/**
 * The Terraform (or OpenTofu) commands the DR tooling runs, in a stack's
 * working directory. The binary comes from TERRAFORM_BINARY_NAME.
 */
export class TerraformCli {
  readonly binary: string;
  private readonly env: NodeJS.ProcessEnv;
  readonly lockTimeout: string;

  constructor(private readonly options: TerraformCliOptions) {
    const env = options.env ?? process.env;
    this.binary = env.TERRAFORM_BINARY_NAME || "terraform";
    this.lockTimeout = options.lockTimeout ?? "60s";
    const cliConfig = env.TF_CLI_CONFIG_FILE;
    this.env = {
      ...env,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      // A CLI config path that points nowhere only adds a warning to every call.
      ...(cliConfig && !fs.existsSync(cliConfig) ? { TF_CLI_CONFIG_FILE: "/dev/null" } : {}),
    };
  }

  get cwd(): string {
    return this.options.cwd;
  }

  /** The command line as a person would type it, for dry runs and logs. */
  describe(args: string[]): string {
    return [this.binary, ...args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ");
  }

  initArgs(): string[] {
    return ["init", "-input=false", "-no-color"];
  }

  /**
   * Initializes the backend. Provider installation may fail when registries
   * are unreachable (as in an outage); the state commands need only the
   * backend, so that failure is tolerated once the backend is set up.
   */
  async initBackend(): Promise<{ providersInstalled: boolean; output: string }> {
    const result = await this.run(this.initArgs());
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.code === 0) return { providersInstalled: true, output };
    const backendReady = fs.existsSync(path.join(this.cwd, ".terraform", "terraform.tfstate")) || /Successfully configured the backend/.test(output);
    if (backendReady && !CONFIG_PROBLEM.test(output) && PROVIDER_INSTALL_FAILURE.test(output)) return { providersInstalled: false, output };
    throw new UserError(`"${this.describe(this.initArgs())}" failed in ${this.cwd}:\n${lastLines(output)}\nFix what it reports (configuration, backend settings or credentials), then rerun.`);
  }

  async stateList(): Promise<string[]> {
    const result = await this.run(["state", "list"]);
    if (result.code !== 0) {
      if (/No state file was found/.test(result.stderr)) return [];
      throw this.failure(["state", "list"], result);
    }
    return result.stdout.split("\n").map((l) => l.trim()).filter(Boolean);
  }

  async statePull(): Promise<string> {
    const result = await this.run(["state", "pull"]);
    if (result.code !== 0) throw this.failure(["state", "pull"], result);
    return result.stdout;
  }

  stateRmArgs(addresses: string[]): string[] {
    return ["state", "rm", `-lock-timeout=${this.lockTimeout}`, ...addresses];
  }

  async stateRm(addresses: string[]): Promise<void> {
    if (!addresses.length) return;
    const args = this.stateRmArgs(addresses);
    const result = await this.run(args);
    if (result.code !== 0) throw this.failure(args, result);
  }

  async statePush(file: string): Promise<void> {
    const args = ["state", "push", `-lock-timeout=${this.lockTimeout}`, file];
    const result = await this.run(args);
    if (result.code !== 0) throw this.failure(args, result);
  }

  run(args: string[]): Promise<TerraformResult> {
    return new Promise((resolve, reject) => {
      execFile(this.binary, args, { cwd: this.cwd, env: this.env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error && typeof error.code === "string") {
          reject(
            new UserError(
              error.code === "ENOENT"
                ? `The Terraform binary "${this.binary}" was not found; install Terraform ≥ 1.7 (or OpenTofu) or set TERRAFORM_BINARY_NAME.`
                : `Could not run "${this.binary}" (${error.code}); check TERRAFORM_BINARY_NAME.`,
            ),
          );
          return;
        }
        resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr });
      });
    });
  }

  private failure(args: string[], result: TerraformResult): UserError {
    return new UserError(`"${this.describe(args)}" failed in ${this.cwd}:\n${lastLines(result.stderr || result.stdout)}`);
  }
}

function lastLines(text: string, n = 12): string {
  return text.trim().split("\n").slice(-n).join("\n");
}
