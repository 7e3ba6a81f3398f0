import * as path from "path";
import {
  CloudBackend,
  GcsBackend,
  HttpBackend,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  TerraformStack,
} from "cdktf";
import { BackendSettings } from "../settings/backend-settings";

/**
 * Adds the backend to a pair's stack. Local state paths are written relative
 * to the stack's working directory, so the synthesized JSON holds no absolute
 * paths from the machine that synthesized it.
 */
export function addBackend(stack: TerraformStack, settings: BackendSettings, projectDir: string, outdir: string): void {
  const name = stack.node.id;
  switch (settings.type) {
    case "local": {
      const file = settings.stateDir
        ? path.resolve(projectDir, settings.stateDir, `${name}.tfstate`)
        : path.resolve(projectDir, `terraform.${name}.tfstate`);
      const workingDir = path.resolve(projectDir, outdir, "stacks", name);
      new LocalBackend(stack, { path: path.relative(workingDir, file) });
      return;
    }
    case "s3":
      new S3Backend(stack, {
        bucket: settings.bucket,
        region: settings.region,
        key: `${settings.keyPrefix ?? "crdr"}/${name}.tfstate`,
        dynamodbTable: settings.dynamodbTable,
        encrypt: settings.encrypt,
      });
      // cdktf 0.21 predates S3-native locking, so it has no typed option for it.
      stack.addOverride("terraform.backend.s3.use_lockfile", settings.useLockfile ?? true);
      return;
    case "gcs":
      new GcsBackend(stack, { bucket: settings.bucket, prefix: `${settings.prefix ?? "crdr"}/${name}` });
      return;
    case "http": {
      const address = `${settings.address.replace(/\/+$/, "")}/${encodeURIComponent(name)}`;
      new HttpBackend(
        stack,
        settings.lock === false ? { address } : { address, lockAddress: address, unlockAddress: address },
      );
      return;
    }
    case "cloud":
      new CloudBackend(stack, {
        organization: settings.organization,
        hostname: settings.hostname,
        workspaces: new NamedCloudWorkspace(`${settings.workspacePrefix ?? "crdr-"}${name}`),
      });
      return;
    default:
      assertNever(settings);
  }
}

/** A backend type this switch does not know fails to compile here. */
function assertNever(value: never): never {
  throw new Error(`Unknown backend settings ${JSON.stringify(value)}`);
}
