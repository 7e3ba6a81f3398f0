import * as path from "path";
import { CloudBackend, GcsBackend, HttpBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { z } from "zod";
import { UserError } from "./user-error";

/**
 * Where each pair's state lives. Every pair gets its own state (its own key,
 * prefix or workspace), so a failover touches one pair only.
 *
 * Keep state out of the region you would fail away from: the failover has to
 * read and write it while that region is down.
 */
export const backendSettingsSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("local"),
    /** Folder for `<stack>.tfstate` files, relative to the project root. @default "." (as `terraform.<stack>.tfstate`) */
    stateDir: z.string().min(1).optional(),
  }),
  z.strictObject({
    type: z.literal("s3"),
    bucket: z.string().min(1),
    region: z.string().min(1),
    /** @default "crdr" */
    keyPrefix: z.string().min(1).optional(),
    /** S3-native locking (Terraform ≥ 1.10). @default true */
    useLockfile: z.boolean().optional(),
    dynamodbTable: z.string().min(1).optional(),
    encrypt: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal("gcs"),
    bucket: z.string().min(1),
    /** @default "crdr" */
    prefix: z.string().min(1).optional(),
  }),
  z.strictObject({
    type: z.literal("http"),
    /** The base address; the stack name is appended as a path segment. */
    address: z.url(),
    lock: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal("cloud"),
    organization: z.string().min(1),
    /** @default "app.terraform.io" */
    hostname: z.string().min(1).optional(),
    /** Workspace name = prefix + stack name. @default "crdr-" */
    workspacePrefix: z.string().optional(),
  }),
]);

export type BackendSettings = z.infer<typeof backendSettingsSchema>;

export const DEFAULT_BACKEND: BackendSettings = { type: "local" };

export function parseBackendSettings(raw: unknown, source: string): BackendSettings {
  const parsed = backendSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "type"}: ${i.message}`).join("; ");
    throw new UserError(
      `The backend settings from ${source} are invalid (${problems}); use {"type":"local"} or an s3, gcs, http or cloud backend as the README shows.`,
    );
  }
  return parsed.data;
}

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
      new HttpBackend(stack, settings.lock === false ? { address } : { address, lockAddress: address, unlockAddress: address });
      return;
    }
    case "cloud":
      new CloudBackend(stack, {
        organization: settings.organization,
        hostname: settings.hostname,
        workspaces: new NamedCloudWorkspace(`${settings.workspacePrefix ?? "crdr-"}${name}`),
      });
      return;
  }
}
