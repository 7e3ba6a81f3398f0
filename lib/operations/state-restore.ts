import { randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Reporter } from "../reporting/reporter";
import { settingsForTooling } from "../settings/tool-settings";
import { resolveStack } from "../synth/resolve-stack";
import { backendAlreadyInitialized } from "../terraform/backend-cache";
import { backUpState, StateSummary, summarizeState } from "../terraform/state-backup";
import { TerraformFactory } from "../terraform/terraform-factory";
import { TerraformRunner } from "../terraform/terraform-runner";
import { UserError } from "../user-error";
import { withPrivateStateCopy } from "../terraform/private-state-copy";
import { backupDirectory } from "./backup-before-write";
import { lockDirectory, OperationLock } from "./operation-lock";

export interface StateRestoreOptions {
  readonly stack: string;
  /** The backup to put back. @default - the stack's newest in .crdr/backups */
  readonly backup?: string;
  readonly yes: boolean;
  readonly dryRun: boolean;
}

export interface StateRestoreDeps {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly reporter: Reporter;
  /** Asks the engineer to type `expected`; undefined when no terminal is attached. */
  readonly confirm?: (prompt: string, expected: string) => Promise<boolean>;
  /** Makes the stack's Terraform runner: `realTerraform` from the command line. */
  readonly terraform: TerraformFactory;
}

export interface StateRestoreResult {
  readonly stack: string;
  readonly backup: string;
  readonly restored: boolean;
  /** The serial of the restored state, as read back. */
  readonly serial?: number;
  /** Where the state as it was before the restore was backed up. */
  readonly previous?: string;
}

/** What follows the stack's name in its backups' names: anchored, so `pg-primary-eu-…` is not `pg-primary`'s. */
const NAME_TIME = /^-\d{8}T\d{6}-\d{3}Z\.tfstate$/;
/** The label of the backup a restore makes of the state it replaces (`<stack>-<time>.undo.tfstate`). */
const UNDO_LABEL = "undo";
const UNDO_NAME_TIME = /^-\d{8}T\d{6}-\d{3}Z\.undo\.tfstate$/;

/**
 * Puts a stack's state back as a backup holds it. It shows what it would
 * put back, refuses a backup of another state (another lineage), backs the
 * current state up the usual way (so the restore can be undone the same
 * way), and pushes under terraform's state lock.
 *
 * A backup is older than the state it replaces, so its serial is lower, and
 * `terraform state push` refuses a lower serial unless forced. `-force` would
 * also skip the lineage check; instead the backup is pushed as the next
 * serial after the current one, with its lineage, so terraform still checks
 * that it continues the same state.
 */
export async function restoreState(options: StateRestoreOptions, deps: StateRestoreDeps): Promise<StateRestoreResult> {
  const { reporter, projectDir } = deps;
  const runId = randomUUID();
  let lock: OperationLock | undefined;
  try {
    reporter.step("resolve", `reading stack "${options.stack}" from the synthesized config`);
    const { stack } = resolveStack(projectDir, options.stack, deps.env, settingsForTooling(projectDir, deps.env), {
      warn: (w) => reporter.warn(w),
    });
    // The pair's machine-wide lock: no DR operation on the pair meanwhile, from any checkout.
    const { pair } = stack;
    if (!options.dryRun)
      lock = await OperationLock.acquire(
        lockDirectory(deps.env),
        { project: pair.project, primaryService: pair.primary.serviceName, stack: options.stack },
        { operation: "state-restore", runId },
      );
    const file = chooseBackup(projectDir, options, (note) => reporter.info(note));
    const shown = path.relative(projectDir, file);
    const text = fs.readFileSync(file, "utf8");
    const backup = summarizeState(text);
    if (!backup)
      throw new UserError(
        `${shown} is not a Terraform state file; pass --backup with a file from ${path.relative(projectDir, backupDirectory(projectDir))}/.`,
      );

    reporter.step("read", "reading the current state");
    const terraform = deps.terraform({ cwd: stack.workingDirectory, env: deps.env });
    if (!backendAlreadyInitialized(terraform.cwd, stack.json.terraform?.backend)) await terraform.initBackend();
    const currentText = await terraform.statePull();
    const current = summarizeState(currentText);
    if (current && current.lineage !== backup.lineage) {
      throw new UserError(
        `${shown} holds lineage ${backup.lineage}, but the state of ${options.stack} is lineage ${current.lineage}: it is a backup of another state; pass --backup with one of ${options.stack}'s own backups.`,
      );
    }
    if (!current) {
      // Pushed into an empty backend, the state gets a lineage terraform
      // chooses, and every backup of the stack then reads as another state's.
      throw new UserError(
        `The backend of ${options.stack} holds no state now, so ${shown} was not pushed: check that CRDR_BACKEND (or cdktf.json's backend) names the stack's real backend; if the backend really lost the state, seed it by hand with "${terraform.describe(["state", "push", path.resolve(projectDir, shown)])}" in ${path.relative(projectDir, terraform.cwd)}, then rerun npm run state-restore.`,
      );
    }
    if (sameContents(text, currentText)) {
      // A run stopped during its push (SIGKILL) leaves terraform to finish it: another push would change nothing, and another undo backup would be of the restored state.
      const already = `The state of ${options.stack} already holds what ${shown} holds (serial ${current.serial}, ${listResources(current)}), as after an earlier restore of it; nothing was pushed and no backup made.`;
      reporter.done(options.dryRun ? `Dry run: ${already}` : already, {
        stack: options.stack,
        backup: shown,
        restored: false,
        serial: current.serial,
      });
      return { stack: options.stack, backup: shown, restored: false, serial: current.serial };
    }
    const serial = current.serial + 1;
    reporter.info(
      `would put back ${shown}: serial ${backup.serial}, lineage ${backup.lineage}, ${listResources(backup)}`,
    );
    reporter.info(
      `over the current state: serial ${current.serial}, ${listResources(current)}; ${difference(backup, current)}`,
    );
    reporter.info(
      `it is pushed with serial ${serial} of the same lineage (terraform refuses an older serial; -force would skip its lineage check too); the backend may store it as a later serial, read back afterwards`,
    );
    if (options.dryRun) {
      reporter.command(
        `${terraform.describe(["state", "pull"])} > ${path.relative(projectDir, backupDirectory(projectDir))}/${options.stack}-<time>.tfstate   (the state as it is, first)`,
      );
      reporter.command(terraform.describe(terraform.statePushArgs(`<${shown} as serial ${serial}>`)));
      reporter.done("Dry run: nothing was changed.", { stack: options.stack, backup: shown, restored: false });
      return { stack: options.stack, backup: shown, restored: false };
    }
    // A lock someone else holds refuses now, before the prompt, not after a wait.
    if (current.resources.length) await terraform.stateRmDryRun([current.resources[0]]);
    await confirm(options, deps, `put the state of ${options.stack} back as ${shown} holds it`);

    // Not journaled: the stack's journal is the DR operations' record, and
    // status reads its last entry to find an operation left unfinished.
    reporter.step("backup", "backing up the state as it is now, so this restore can be undone the same way");
    // Marked as this restore's undo copy: never a later restore's default source.
    const before = await backUpState(terraform, backupDirectory(projectDir), options.stack, new Date(), UNDO_LABEL);
    const previous = path.relative(projectDir, before.file);
    reporter.info(
      `state as it was (serial ${before.serial}, sha256 ${before.sha256}) backed up to ${previous} (private: it holds the services' passwords)`,
    );

    reporter.step("push", `pushing ${shown} with serial ${serial} under the state lock`);
    lock?.assertHeld();
    const pushed = (state: StateSummary | undefined): state is StateSummary =>
      !!state &&
      state.lineage === backup.lineage &&
      state.serial >= serial &&
      [...state.resources].sort().join("\n") === [...backup.resources].sort().join("\n");
    const found = (state: StateSummary | undefined) =>
      state ? `serial ${state.serial}, lineage ${state.lineage}, ${listResources(state)}` : "no state";
    try {
      await pushAs(terraform, text, serial);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      // A backend may store a write and still answer an error: the state read back says which.
      const reason = err.message.split("\n")[0].replace(/\.$/, "");
      const readBack = await terraform.statePull().then(summarizeState, () => undefined);
      if (!pushed(readBack)) {
        throw new UserError(
          `The push of ${shown} failed (${reason}); the state of ${options.stack} read back is ${readBack ? found(readBack) : "unreadable"}${readBack ? "" : ", so whether the push took is unknown"}. The state as it was is in ${previous}. Fix the backend, then rerun with --backup ${shown}.`,
        );
      }
      reporter.warn(
        `terraform reported the push as failed (${reason}), but the state read back is what was pushed: the backend took it`,
      );
    }
    const after = summarizeState(await terraform.statePull());
    if (!pushed(after)) {
      throw new UserError(
        `The push of ${shown} reported success, but the state of ${options.stack} read back (${found(after)}) is not what was pushed; check the backend, then rerun.`,
      );
    }
    reporter.done(
      [
        // Terraform may count the push itself as one more serial.
        `The state of ${options.stack} is back as ${shown} holds it (now serial ${after.serial}, ${listResources(after)}).`,
        previous ? `The state it replaced is in ${previous}; restoring that one undoes this.` : "",
      ]
        .filter(Boolean)
        .join("\n  "),
      { stack: options.stack, backup: shown, restored: true, serial: after.serial, previous },
    );
    return { stack: options.stack, backup: shown, restored: true, serial: after.serial, previous };
  } finally {
    await lock?.release();
  }
}

/**
 * The --backup file, or the stack's newest backup an operation made (names
 * sort by time): the undo backups earlier restores made are named, not
 * chosen, since restoring one undoes that restore.
 */
function chooseBackup(projectDir: string, options: StateRestoreOptions, note: (text: string) => void): string {
  if (options.backup) {
    const file = path.resolve(projectDir, options.backup);
    if (!fs.existsSync(file))
      throw new UserError(
        `--backup "${options.backup}" does not exist; pass a file from ${path.relative(projectDir, backupDirectory(projectDir))}/.`,
      );
    return file;
  }
  const dir = backupDirectory(projectDir);
  const mine = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.startsWith(`${options.stack}-`) && NAME_TIME.test(f.slice(options.stack.length)))
    : [];
  const undo = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.startsWith(`${options.stack}-`) && UNDO_NAME_TIME.test(f.slice(options.stack.length)))
    : [];
  if (!mine.length) {
    const undoNote = undo.length
      ? ` (only undo backups an earlier state-restore made, newest ${path.relative(projectDir, path.join(dir, undo.sort().at(-1)!))}, which are not chosen by default)`
      : "";
    throw new UserError(
      `There is no backup of ${options.stack} in ${path.relative(projectDir, dir)}/${undoNote}; pass --backup FILE to name one.`,
    );
  }
  const chosen = mine.sort().at(-1)!;
  const newerUndo = undo
    .sort()
    .filter((f) => f.replace(/\.undo\.tfstate$/, ".tfstate") > chosen)
    .at(-1);
  if (newerUndo) {
    note(
      `restoring ${path.relative(projectDir, path.join(dir, chosen))}, not the newer undo backup ${path.relative(projectDir, path.join(dir, newerUndo))}, which an earlier state-restore made of the state it replaced (pass --backup to restore that one)`,
    );
  }
  return path.join(dir, chosen);
}

function listResources(state: StateSummary): string {
  return state.resources.length
    ? `${state.resources.length} resources (${state.resources.join(", ")})`
    : "no resources";
}

function difference(backup: StateSummary, current: StateSummary): string {
  const back = backup.resources.filter((r) => !current.resources.includes(r));
  const gone = current.resources.filter((r) => !backup.resources.includes(r));
  const parts = [
    back.length ? `puts back ${back.join(", ")}` : "",
    gone.length ? `drops ${gone.join(", ")}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" and ") : "the same resources (their attributes as the backup holds them)";
}

async function confirm(options: StateRestoreOptions, deps: StateRestoreDeps, what: string): Promise<void> {
  if (options.yes) return;
  if (!deps.confirm) throw new UserError("No terminal to confirm on; rerun with --yes to go ahead without the prompt.");
  const ok = await deps.confirm(
    `This will ${what}. Type the stack's name (${options.stack}) to go on: `,
    options.stack,
  );
  if (!ok) throw new UserError("Confirmation did not match the stack's name; nothing was changed.");
}

/** Whether two state files hold the same resources and outputs (serial, lineage and versions aside). */
function sameContents(a: string, b: string): boolean {
  const contents = (text: string) => {
    const state = JSON.parse(text) as { resources?: unknown; outputs?: unknown };
    return canonical({ resources: state.resources ?? [], outputs: state.outputs ?? {} });
  };
  try {
    return contents(a) === contents(b);
  } catch {
    return false;
  }
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

/** Pushes the backup's text as `serial`, from a private temporary file removed afterwards (even when the run is stopped). */
async function pushAs(terraform: TerraformRunner, text: string, serial: number): Promise<void> {
  const state = JSON.parse(text) as Record<string, unknown>;
  await withPrivateStateCopy(JSON.stringify({ ...state, serial }, null, 2), (file) => terraform.statePush(file));
}
