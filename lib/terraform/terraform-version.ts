/**
 * The oldest Terraform the whole DR cycle works with: a failover adds
 * `removed` blocks with a lifecycle, which need 1.10 (OpenTofu's too), as
 * does the s3 backend's `use_lockfile`.
 */
export const MINIMUM_TERRAFORM_VERSION = "1.10.0";

/** Compares dotted versions numerically ("1.10.0" > "1.9.5"); pre-release suffixes are ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .replace(/^v/, "")
      .split(/[-+]/)[0]
      .split(".")
      .map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * The minimum a `required_version` constraint such as ">= 1.10" or
 * ">= 1.7, < 2.0" sets, or the tooling's own minimum when it sets none higher.
 */
export function minimumFromConstraint(constraint: unknown): string {
  if (typeof constraint !== "string") return MINIMUM_TERRAFORM_VERSION;
  const floors = [...constraint.matchAll(/(?:>=|~>|=)\s*v?(\d+(?:\.\d+){0,2})/g)].map((m) => m[1]);
  return [MINIMUM_TERRAFORM_VERSION, ...floors].reduce((max, v) => (compareVersions(v, max) > 0 ? v : max));
}

/**
 * What every stack declares in `terraform.required_version`, from its first
 * deploy: the whole cycle's minimum, not only what the current phase uses,
 * so a team's pipeline meets the outage's requirement before the outage.
 */
export function requiredTerraformVersion(): string {
  return MINIMUM_TERRAFORM_VERSION;
}
