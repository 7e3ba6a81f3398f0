import * as fs from "fs";
import * as path from "path";
import { PairManifest } from "../contract/pair-manifest";
import { pendingImportsOf, PhaseRecord } from "../phase/phase-record";
import { Reporter } from "../reporting/reporter";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { describeBackend } from "../terraform/backend-description";
import { compareVersions, minimumFromConstraint, requiredTerraformVersion } from "../terraform/terraform-version";
import { UserError } from "../user-error";
import { sideBySide } from "./side-by-side";
import { StackTerraform } from "./stack-terraform";
import { addressesExpectedInState, proveStateIsThePairs } from "./state-ownership";
import { assertFoldersWritable } from "./writable-folders";

/** What the preflight checks a run against. */
export interface PreflightSubject {
  readonly stack: SynthesizedStack;
  readonly current: PhaseRecord;
  /** The pair's phase file, in the phase folder. */
  readonly phaseFile: string;
  readonly phaseFolder: string;
  /** Every folder the run writes to (backups, journal). */
  readonly foldersWritten: readonly string[];
  readonly projectDir: string;
  readonly reporter: Reporter;
}

/**
 * Before anything is sent to Aiven, proves that the rest of the operation
 * can finish: the terraform binary at a supported version, the backend
 * initialized, the state this pair's (it holds the pinned addresses the
 * phase expects, with the pair's names), the state lock free and the state
 * writable (a dry run of `state rm`, which takes the lock, for the
 * addresses to forget), and every folder the run writes writable. Returns
 * what state holds. The version check runs beside the state checks, which
 * only read and take the lock; an init, which writes, waits for it (no
 * binary the tooling refuses runs init). The state is read once, after the
 * init; a refused version is the failure reported.
 */
export async function proveCanFinish(
  terraform: StackTerraform,
  subject: PreflightSubject,
  toForget: readonly string[] = [],
): Promise<string[]> {
  const { stack, reporter } = subject;
  const pair: PairManifest = stack.pair;
  const runner = terraform.runner;
  // The stack as it is now, and as it will be once the new phase is
  // synthesized (a failed-over pair forgets with removed blocks).
  const next = requiredTerraformVersion();
  const now = minimumFromConstraint(stack.json.terraform?.required_version);
  const versionCheck = runner.checkVersion(compareVersions(next, now) > 0 ? next : now);
  const backend = describeBackend(stack.json.terraform, runner.cwd);
  const stateChecks = async () => {
    await terraform.initBackend(versionCheck);
    const expected = addressesExpectedInState(pair, pendingImportsOf(subject.current), toForget);
    const inState = proveStateIsThePairs(await runner.statePull(), pair, expected, backend);
    const present = toForget.filter((a) => inState.includes(a));
    await runner.stateRmDryRun(present);
    return { inState, present };
  };
  const [version, { inState, present }] = await sideBySide(versionCheck, stateChecks());
  assertPhaseFileWritable(subject.phaseFile, subject.phaseFolder);
  assertFoldersWritable([...subject.foldersWritten]);
  warnIfStateReadableByOthers(subject);
  reporter.info(
    `${runner.binary} ${version}: backend ready, state of ${pair.stack} read from ${backend}${present.length ? `, lock free for removing ${present.join(" and ")}` : ""}; phase file writable`,
  );
  return inState;
}

/** A local state file others can read exposes the services' passwords: say so (it is the owner's file to change). */
function warnIfStateReadableByOthers({ stack, projectDir, reporter }: PreflightSubject): void {
  const local = stack.json.terraform?.backend?.local as { path?: string } | undefined;
  if (!local?.path) return;
  const file = path.resolve(stack.workingDirectory, local.path);
  if (fs.existsSync(file) && (fs.statSync(file).mode & 0o077) !== 0) {
    reporter.warn(
      `${path.relative(projectDir, file)} is readable by others (mode ${(fs.statSync(file).mode & 0o777).toString(8)}) and holds the services' passwords; chmod 600 it`,
    );
  }
}

function assertPhaseFileWritable(file: string, folder: string): void {
  // The file is replaced atomically (a new file beside it), and the phase
  // writers' lock is a directory beside the phase folder: those folders
  // must be writable too (the phase folder is made on the first write).
  const targets = [file, path.dirname(file), path.dirname(folder)].filter((f) => fs.existsSync(f));
  try {
    for (const target of targets) fs.accessSync(target, fs.constants.W_OK);
  } catch (err) {
    throw new UserError(
      `The phase file ${file} cannot be written (${(err as NodeJS.ErrnoException).code}); make it writable, then rerun. Nothing was sent to Aiven.`,
    );
  }
}
