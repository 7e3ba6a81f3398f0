import { z } from "zod";
import { UserError } from "../user-error";

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
      `The backend settings from ${source} are invalid (${problems}); use {"type":"local"} or an s3, gcs, http or cloud backend as docs/backends-and-state.md shows.`,
    );
  }
  return parsed.data;
}
