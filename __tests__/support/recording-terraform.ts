import { TerraformCliOptions } from "../../lib/terraform/terraform-cli";
import { TerraformRunner } from "../../lib/terraform/terraform-runner";
import { UserError } from "../../lib/user-error";

/**
 * A Terraform stand-in for the in-process tests: state is a set of
 * addresses, every command is recorded, and a held lock can be simulated.
 * The end-to-end tests run the real binary.
 */
export class RecordingTerraform implements TerraformRunner {
  readonly binary = "terraform";
  readonly calls: string[] = [];
  lockHeldBy?: string;
  private serial = 1;

  constructor(
    readonly cwd: string,
    private addresses: string[],
    readonly version = "1.11.4",
  ) {}

  /** For `OperationDeps.terraform`: every stack shares this one state. */
  factory(): (options: TerraformCliOptions) => TerraformRunner {
    return () => this;
  }

  get state(): readonly string[] {
    return [...this.addresses];
  }

  describe(args: string[]): string {
    return [this.binary, ...args].join(" ");
  }
  initArgs(): string[] {
    return ["init"];
  }
  stateRmArgs(addresses: string[]): string[] {
    return ["state", "rm", ...addresses];
  }
  statePushArgs(file: string): string[] {
    return ["state", "push", file];
  }
  async checkVersion(): Promise<string> {
    this.calls.push("version");
    return this.version;
  }
  async initBackend() {
    this.calls.push("init");
    return { providersInstalled: false, output: "" };
  }
  async stateList(): Promise<string[]> {
    this.calls.push("state list");
    return this.state as string[];
  }
  async statePull(): Promise<string> {
    this.calls.push("state pull");
    const resources = this.addresses.map((a) => ({ mode: "managed", type: a.split(".")[0], name: a.split(".")[1], instances: [] }));
    return JSON.stringify({ version: 4, serial: this.serial, lineage: "recorded-lineage", resources });
  }
  async stateRm(addresses: string[]): Promise<void> {
    this.takeLock();
    this.calls.push(`state rm ${addresses.join(" ")}`);
    this.addresses = this.addresses.filter((a) => !addresses.includes(a));
    this.serial++;
  }
  async stateRmDryRun(addresses: string[]): Promise<void> {
    if (!addresses.length) return;
    this.takeLock();
    this.calls.push(`state rm -dry-run ${addresses.join(" ")}`);
  }
  async statePush(): Promise<void> {
    this.calls.push("state push");
  }

  private takeLock(): void {
    if (this.lockHeldBy) throw new UserError(`The Terraform state is locked, held by ${this.lockHeldBy}`);
  }
}
