import * as fs from "fs";
import * as path from "path";
import { legacyPhaseFileOf } from "../phase/phase-folder";
import { pairPhaseFile } from "../phase/pair-phase-file";
import { Dispatch } from "./dispatch";

/**
 * Where a dispatched run may record phases, relative to the project: the
 * pair's own file (the whole phase folder for a region run) and, until the
 * project is migrated, the old single file. The pull request commits what
 * changed there and nothing else, so one pair's pull request holds only its
 * file and merges beside another pair's.
 */
export function phasePathsOf(dispatch: Dispatch, projectDir: string, phaseDir: string): string[] {
  const own = dispatch.stack ? pairPhaseFile(phaseDir, dispatch.stack) : phaseDir;
  return [own, legacyPhaseFileOf(phaseDir)].map((p) => path.relative(projectDir, p));
}

/** Where the run's phase is recorded, for the pull request's text: the old file while it exists, else the pair's file or the folder. */
export function phaseLocationOf(dispatch: Dispatch, projectDir: string, phaseDir: string): string {
  const legacy = legacyPhaseFileOf(phaseDir);
  if (fs.existsSync(legacy)) return path.relative(projectDir, legacy);
  return dispatch.stack
    ? path.relative(projectDir, pairPhaseFile(phaseDir, dispatch.stack))
    : `${path.relative(projectDir, phaseDir)}/`;
}
