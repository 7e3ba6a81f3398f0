import { TerraformCli, TerraformCliOptions } from "./terraform-cli";
import { TerraformRunner } from "./terraform-runner";

/** Makes the Terraform runner for one stack's working directory: the seam the command line fills and tests replace. */
export type TerraformFactory = (options: TerraformCliOptions) => TerraformRunner;

/** The real binary: the one place the tooling constructs `TerraformCli` for an operation. */
export const realTerraform: TerraformFactory = (options) => new TerraformCli(options);
