import { SynthesizedStack } from "./synthesized-stack";

/**
 * The warning for a stack whose state lives in its own primary's region:
 * the failover away from that region has to read and write that state while
 * the region is down. Only a backend that names its region can be checked:
 * s3 (`region`, as Aiven's `aws-<region>` cloud). gcs, http and cloud
 * backends do not say where their state lives.
 */
export function stateInPrimaryRegion(stack: SynthesizedStack): string | undefined {
  const s3 = stack.json.terraform?.backend?.s3 as { region?: string; bucket?: string } | undefined;
  const primary = stack.pair.primary;
  if (!s3?.region || primary.cloudName !== `aws-${s3.region}`) return undefined;
  return (
    `the state of ${stack.name} is in s3 bucket ${s3.bucket} in ${s3.region}, the region of its primary ${primary.serviceName} (${primary.cloudName}): ` +
    `a failover away from ${primary.cloudName} must read and write that state while the region is down; keep state out of the region you would fail away from (another region, or a multi-region bucket)`
  );
}
