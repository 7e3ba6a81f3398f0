import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Pg } from "../../.gen/providers/aiven/pg";
import { AivenProvider } from "../../.gen/providers/aiven/provider";
import { BackendSettings } from "../settings/backend-settings";
import { requiredTerraformVersion } from "../terraform/terraform-version";
import { declareApplicationOutputs } from "./application-output-declarations";
import { addBackend } from "./backend";
import { CrdrPair } from "./crdr-pair";
import { CrdrPairProps } from "./crdr-pair-props";
import { SETTINGS_FINGERPRINT_KEY } from "../contract/pair-manifest";

export interface CrdrPairStackProps {
  readonly pair: CrdrPairProps;
  readonly backend: BackendSettings;
  /** The setting inputs of this synth (see `AppSettings.fingerprint`). @default - not recorded */
  readonly settingsFingerprint?: string;
  /** The project root, against which local state paths are resolved. */
  readonly projectDir: string;
  /** The synth output folder, relative to the project root. */
  readonly outdir: string;
}

/**
 * One pair in its own stack, with its own state: a failover of one pair never
 * touches another pair's state. The provider reads the API token from
 * `AIVEN_TOKEN` at plan time; it never appears in the synthesized config.
 */
export class CrdrPairStack extends TerraformStack {
  readonly pair: CrdrPair;

  constructor(scope: Construct, id: string, props: CrdrPairStackProps) {
    super(scope, id);
    new AivenProvider(this, "aiven");
    addBackend(this, props.backend, props.projectDir, props.outdir);
    this.pair = new CrdrPair(this, "pair", props.pair);
    // Terraform itself refuses a binary older than the whole DR cycle needs.
    this.addOverride("terraform.required_version", `>= ${requiredTerraformVersion()}`);
    if (props.settingsFingerprint) this.addOverride(`//.${SETTINGS_FINGERPRINT_KEY}`, props.settingsFingerprint);
    declareApplicationOutputs(this, this.pair);
    // Per-service outputs, kept for readers from before the application outputs.
    if (this.pair.primary) this.addServiceOutputs("primary", this.pair.primary);
    if (this.pair.recovery) this.addServiceOutputs("recovery", this.pair.recovery);
  }

  private addServiceOutputs(side: "primary" | "recovery", service: Pg): void {
    const output = (name: string, value: string | number, sensitive = false) => {
      const o = new TerraformOutput(this, `${side}_${name}`, { value, sensitive });
      o.overrideLogicalId(`${side}_${name}`);
    };
    output("service_name", service.serviceName);
    output("host", service.serviceHost);
    output("port", service.servicePort);
    output("uri", service.serviceUri, true);
    output("password", service.servicePassword, true);
  }
}
