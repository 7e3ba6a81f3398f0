import * as fs from "fs";
import * as path from "path";
import ms, { StringValue } from "ms";
import { stripVTControlCharacters } from "util";
import { UserError } from "../user-error";
import { httpLockHolder } from "./http-lock-holder";
import { describeStateLock, lockFailureReason, parseStateLockInfo } from "./state-lock-info";
import { runWithDeadline, terraformTimeoutMs } from "./terraform-process";
import { TerraformRunner } from "./terraform-runner";
import { compareVersions, MINIMUM_TERRAFORM_VERSION } from "./terraform-version";

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
const CONFIG_PROBLEM =
  /problems with the configuration|Invalid expression|Unsupported (argument|block type)|Missing required argument|Error: Invalid /;
/** How init reports that it could not fetch providers: tolerated, the state commands do not need them. */
const PROVIDER_INSTALL_FAILURE =
  /Failed to query available provider packages|Failed to install provider|Failed to resolve provider packages|could not connect to registry|Incompatible provider version/;

/**
 * The Terraform (or OpenTofu) commands the DR tooling runs, in a stack's
 * working directory. The binary comes from TERRAFORM_BINARY_NAME. Every file
 * it writes (state, backups) is private to the owner: state holds passwords.
 */
export class TerraformCli implements TerraformRunner {
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
      // Each command is a short process over one pair's small state, and
      // Go's garbage collector is a quarter of its CPU (a 200-pair region
      // run starts about 800 of them on a busy machine). Off, unless the
      // caller tuned it, with a memory limit that turns it back on should a
      // state be large after all.
      ...(env.GOGC === undefined && env.GOMEMLIMIT === undefined ? { GOGC: "off", GOMEMLIMIT: "512MiB" } : {}),
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

  /** Each binary's version, asked once per process (a region run has many stacks). */
  private static readonly versions = new Map<string, Promise<TerraformResult>>();

  /** The binary's version, refusing one that is missing or older than the tooling needs. */
  async checkVersion(minimum = MINIMUM_TERRAFORM_VERSION): Promise<string> {
    let asked = TerraformCli.versions.get(this.binary);
    if (!asked) {
      asked = this.run(["version", "-json"]);
      TerraformCli.versions.set(this.binary, asked);
      asked.catch(() => TerraformCli.versions.delete(this.binary));
    }
    const result = await asked;
    let version: string | undefined;
    try {
      version = (JSON.parse(result.stdout) as { terraform_version?: string }).terraform_version;
    } catch {
      version = /v?(\d+\.\d+\.\d+)/.exec(result.stdout)?.[1];
    }
    if (result.code !== 0 || !version) {
      throw new UserError(
        `"${this.describe(["version"])}" did not report a version; check that TERRAFORM_BINARY_NAME names Terraform ≥ ${minimum} or OpenTofu.`,
      );
    }
    if (compareVersions(version, minimum) < 0) {
      throw new UserError(
        `${this.binary} ${version} is older than ${minimum}, which this stack needs; install Terraform ≥ ${minimum} (or point TERRAFORM_BINARY_NAME at one).`,
      );
    }
    return version;
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
    const backendReady =
      fs.existsSync(path.join(this.cwd, ".terraform", "terraform.tfstate")) ||
      /Successfully configured the backend/.test(output);
    if (backendReady && !CONFIG_PROBLEM.test(output) && PROVIDER_INSTALL_FAILURE.test(output))
      return { providersInstalled: false, output };
    throw new UserError(
      `"${this.describe(this.initArgs())}" failed in ${this.cwd}: ${headline(output)}\n${lastLines(output)}\nFix what it reports (configuration, backend settings or credentials), then rerun.`,
    );
  }

  async stateList(): Promise<string[]> {
    const args = ["state", "list", "-no-color"];
    const result = await this.run(args);
    if (result.code !== 0) {
      if (/No state file was found/.test(result.stderr)) return [];
      throw await this.failure(args, result);
    }
    return result.stdout
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  }

  async statePull(): Promise<string> {
    const result = await this.run(["state", "pull"]);
    if (result.code !== 0) throw await this.failure(["state", "pull"], result);
    return result.stdout;
  }

  /**
   * `state rm` of local state always writes terraform's own backup (`-backup=-`
   * is its default, a file in the working directory), and of remote state
   * never. The backup is the one `backUpState` made first, for every backend;
   * terraform's copy goes to /dev/null rather than leave a second copy of the
   * passwords lying around.
   */
  stateRmArgs(addresses: string[]): string[] {
    return ["state", "rm", "-no-color", `-lock-timeout=${this.lockTimeout}`, "-backup=/dev/null", ...addresses];
  }

  /** Removes `addresses` from state. Back the state up first (`backUpState`). */
  async stateRm(addresses: string[]): Promise<void> {
    if (!addresses.length) return;
    const args = this.stateRmArgs(addresses);
    const result = await this.run(args);
    if (result.code !== 0) throw await this.failure(args, result);
  }

  /**
   * Proves that `state rm` of `addresses` could run now, without changing
   * anything: it takes the state lock (without waiting) and opens the state
   * for writing.
   */
  async stateRmDryRun(addresses: string[]): Promise<void> {
    if (!addresses.length) return;
    const args = ["state", "rm", "-dry-run", "-no-color", "-lock-timeout=0s", ...addresses];
    const result = await this.run(args);
    if (result.code !== 0) throw await this.failure(args, result);
  }

  statePushArgs(file: string): string[] {
    return ["state", "push", "-no-color", `-lock-timeout=${this.lockTimeout}`, file];
  }

  async statePush(file: string): Promise<void> {
    const args = this.statePushArgs(file);
    const result = await this.run(args);
    if (result.code !== 0) throw await this.failure(args, result);
  }

  async run(args: string[]): Promise<TerraformResult> {
    // A hung backend or provider must not hold the run: every call has a deadline, a state lock wait on top.
    const lockWait = args.map((a) => /^-lock-timeout=(.+)$/.exec(a)?.[1]).find(Boolean);
    const deadlineMs = terraformTimeoutMs(this.env) + (lockWait ? (ms(lockWait as StringValue) ?? 0) : 0);
    let result: { code: number; stdout: string; stderr: string };
    try {
      // umask 077: every state copy terraform writes is readable by its owner only.
      result = await runWithDeadline("/bin/sh", ["-c", 'umask 077 && exec "$0" "$@"', this.binary, ...args], {
        cwd: this.cwd,
        env: this.env,
        deadlineMs,
        shown: this.describe(args),
      });
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(
        `Could not run "${this.binary}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check TERRAFORM_BINARY_NAME.`,
      );
    }
    const { code, stdout, stderr } = result;
    // The shell answers 127 when the binary is not on PATH.
    if (code === 127 && /not found|No such file/.test(stderr)) {
      throw new UserError(
        `The Terraform binary "${this.binary}" was not found on PATH; install Terraform ≥ ${MINIMUM_TERRAFORM_VERSION} (or OpenTofu) or set TERRAFORM_BINARY_NAME to the one you have.`,
      );
    }
    return { code, stdout: stripVTControlCharacters(stdout), stderr: stripVTControlCharacters(stderr) };
  }

  private async failure(args: string[], result: TerraformResult): Promise<UserError> {
    const output = result.stderr || result.stdout;
    const named = parseStateLockInfo(output);
    const lock = named && !named.who ? ((await httpLockHolder(this.cwd, this.env)) ?? named) : named;
    if (lock) {
      return new UserError(
        `The Terraform state of ${path.basename(this.cwd)} is locked, ${describeStateLock(lock)}; wait for that run to finish, or if it died, run "${this.binary} force-unlock ${lock.id ?? "<ID>"}" in ${this.cwd}.`,
      );
    }
    const reason = lockFailureReason(output);
    if (reason) {
      return new UserError(
        `Terraform could not take the state lock of ${path.basename(this.cwd)} (${reason}); make the state writable (permissions, a read-only file, disk space), then rerun.`,
      );
    }
    const backend = BACKEND_FAILURE.exec(output);
    if (backend) {
      const verb = /upload|sav|persist|writ/i.test(backend[1]) ? "write" : "read";
      return new UserError(
        `Terraform could not ${verb} the state of ${path.basename(this.cwd)} in its backend (${headline(output)}); make the backend reachable and working (address, network, credentials), then rerun.`,
      );
    }
    return new UserError(`"${this.describe(args)}" failed in ${this.cwd}: ${headline(output)}\n${lastLines(output)}`);
  }
}

/** How terraform says its state backend could not be read or written (unreachable, 5xx, refused). */
const BACKEND_FAILURE = /(Failed to (?:load|get|upload|save|persist|write) state|Error (?:loading|saving) the state)/;

/** Terraform's own one-line summary: the first "Error: …" line. */
function headline(text: string): string {
  return /^(?:│\s*)?Error: (.+)$/m.exec(text)?.[1]?.trim() ?? text.trim().split("\n")[0] ?? "no output";
}

function lastLines(text: string, n = 20): string {
  return text.trim().split("\n").slice(-n).join("\n");
}
