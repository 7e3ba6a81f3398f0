import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import writeFileAtomic from "write-file-atomic";
import { UserError } from "../user-error";
import { TerraformRunner } from "./terraform-runner";

/** A copy of a stack's state, as `terraform state pull` returned it, verified on disk. */
export interface StateBackup {
  readonly file: string;
  readonly lineage: string;
  readonly serial: number;
  readonly sha256: string;
  /** The resources it holds, as state addresses. */
  readonly resources: string[];
}

/** The fields of a state file the backup and restore read. */
export interface StateSummary {
  readonly lineage: string;
  readonly serial: number;
  readonly resources: string[];
}

/**
 * Reads a state file's lineage, serial and resource addresses; undefined when
 * the text is not a Terraform state.
 */
export function summarizeState(text: string): StateSummary | undefined {
  let state: { lineage?: unknown; serial?: unknown; resources?: unknown };
  try {
    state = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (
    typeof state?.lineage !== "string" ||
    !state.lineage ||
    typeof state.serial !== "number" ||
    !Array.isArray(state.resources)
  )
    return undefined;
  const resources = (state.resources as Array<{ mode?: string; type?: string; name?: string; module?: string }>).map(
    (r) => [r.module, r.mode === "data" ? "data" : undefined, `${r.type}.${r.name}`].filter(Boolean).join("."),
  );
  return { lineage: state.lineage, serial: state.serial, resources };
}

export function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * `<stack>-<UTC time to the millisecond>[.<label>].tfstate`: sorts by time,
 * and no two runs of one stack share a name. A label marks a backup made for
 * another purpose (a restore's undo copy).
 */
export function backupFileName(stack: string, now: Date, label?: string): string {
  return `${stack}-${now.toISOString().replace(/[-:]/g, "").replace(".", "-")}${label ? `.${label}` : ""}.tfstate`;
}

/**
 * Backs up a stack's state the same way for every backend (local, s3, gcs,
 * http, cloud): `terraform state pull`, written atomically into `dir` as a
 * private file (state holds the services' passwords), then read back and
 * checked byte for byte. Terraform's own `state rm` backup exists for local
 * state only, so it cannot be the backup. Throws, writing nothing it could
 * not verify, when the state cannot be pulled or kept.
 */
export async function backUpState(
  terraform: TerraformRunner,
  dir: string,
  stack: string,
  now = new Date(),
  label?: string,
): Promise<StateBackup> {
  let pulled: string;
  try {
    pulled = await terraform.statePull();
  } catch (err) {
    throw backupRefusal(
      dir,
      stack,
      now,
      label,
      `terraform state pull failed: ${(err as Error).message.split("\n")[0]}`,
    );
  }
  return keepPulledState(pulled, dir, stack, now, label);
}

/**
 * Keeps what `terraform state pull` just returned as the backup, the way
 * `backUpState` does after its own pull: for a caller that pulled the state
 * already and writes nothing else before its state write, so the copy is
 * the state as it is right before that write.
 */
export async function keepPulledState(
  pulled: string,
  dir: string,
  stack: string,
  now = new Date(),
  label?: string,
): Promise<StateBackup> {
  const file = path.join(dir, backupFileName(stack, now, label));
  const refuse = (reason: string) => backupRefusal(dir, stack, now, label, reason);
  const summary = summarizeState(pulled);
  if (!summary)
    throw refuse(pulled.trim() ? "terraform state pull did not return a state" : "the backend holds no state");
  const digest = sha256(pulled);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, pulled, { mode: 0o600, fsync: true });
    // Atomic replacement keeps a mode set before the rename; chmod once more for umasks that stripped it.
    fs.chmodSync(file, 0o600);
  } catch (err) {
    removeQuietly(file);
    throw refuse((err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  const onDisk = fs.readFileSync(file);
  const mode = fs.statSync(file).mode & 0o777;
  const back = summarizeState(onDisk.toString("utf8"));
  if (
    sha256(onDisk) !== digest ||
    !back ||
    back.lineage !== summary.lineage ||
    back.serial !== summary.serial ||
    mode !== 0o600
  ) {
    removeQuietly(file);
    throw refuse(
      mode !== 0o600
        ? `it came out mode ${mode.toString(8)}, not 600`
        : "the file read back differs from the state pulled",
    );
  }
  return { file, sha256: digest, ...summary };
}

function backupRefusal(dir: string, stack: string, now: Date, label: string | undefined, reason: string): UserError {
  const file = path.join(dir, backupFileName(stack, now, label));
  return new UserError(
    `Could not back up the Terraform state of ${stack} to ${file} (${reason}), so the state was left as it is; make ${dir} writable (or free disk space) and the backend readable.`,
  );
}

/** Removes what a failed backup left, if anything; the failure being reported matters more. */
function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // nothing was there to remove, or it cannot be: either way no backup is named
  }
}
