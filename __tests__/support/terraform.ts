import { execFileSync } from "child_process";

/**
 * The end-to-end tests run the real terraform binary. When it is missing they
 * fail (never skip): CI must install it.
 */
export function requireTerraform(): string {
  const binary = process.env.TERRAFORM_BINARY_NAME || "terraform";
  try {
    return execFileSync(binary, ["version"], {
      encoding: "utf8",
      env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" },
    }).split("\n")[0];
  } catch {
    throw new Error(
      `These tests need the real "${binary}" binary on PATH (Terraform ≥ 1.10 or OpenTofu ≥ 1.10); install it${process.env.CI ? " in .ci/run" : ""}.`,
    );
  }
}
