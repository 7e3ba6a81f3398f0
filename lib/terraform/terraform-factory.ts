import { TerraformCli, TerraformCliOptions, TerraformResult } from "./terraform-cli";
import { TerraformRunner } from "./terraform-runner";

/** A runner that also runs any other command (`output`, a throw-away config's `init` and `apply`): what the drill asks. */
export interface TerraformCommandRunner extends TerraformRunner {
  run(args: string[]): Promise<TerraformResult>;
}

/**
 * Makes the Terraform runner for one working directory: the seam the command
 * line fills and tests replace. The operations ask a `TerraformRunner`; the
 * drill, which also applies, a `TerraformCommandRunner`.
 */
export type TerraformFactory<R extends TerraformRunner = TerraformRunner> = (options: TerraformCliOptions) => R;

/** The real binary: the one place the tooling constructs `TerraformCli`. */
export const realTerraform: TerraformFactory<TerraformCommandRunner> = (options) => new TerraformCli(options);
