import * as fs from "fs";
import * as path from "path";
import { PairManifest } from "../../lib/contract/pair-manifest";
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
  /** The state as terraform prints it: each address holds what the stack's manifest names there. */
  async statePull(): Promise<string> {
    this.calls.push("state pull");
    const pair = JSON.parse(fs.readFileSync(path.join(this.cwd, "cdk.tf.json"), "utf8"))["//"].crdr as PairManifest;
    const attributes = (address: string): Record<string, unknown> => {
      if (address === pair.integration.address) {
        return {
          project: pair.project,
          source_service_name: pair.primary.serviceName,
          destination_service_name: pair.recovery.serviceName,
        };
      }
      const side = address === pair.primary.address ? pair.primary : pair.recovery;
      return { project: pair.project, service_name: side.serviceName };
    };
    const resources = this.addresses.map((address) => {
      const [type, name] = address.split(".");
      return { mode: "managed", type, name, instances: [{ attributes: attributes(address) }] };
    });
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
