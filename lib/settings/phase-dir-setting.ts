import * as path from "path";
import { PHASE_DIR_NAME } from "../phase/phase-folder";
import { UserError } from "../user-error";
import { RETIRED_PHASE_FILE, SettingReader } from "./setting-sources";

/**
 * The phase folder, absolute: CRDR_PHASE_DIR, else cdktf.json context
 * "phaseDir", else `crdr-phases` in the project. The old single-file setting
 * (CRDR_PHASE_FILE, context "phaseFile") is refused with what to set: its
 * file is found beside the folder, by name, until it is migrated.
 */
export function phaseDirSetting(
  read: SettingReader,
  env: NodeJS.ProcessEnv,
  context: (key: string) => unknown,
  projectDir: string,
): string {
  const retiredEnv = env[RETIRED_PHASE_FILE.env];
  const retired =
    retiredEnv !== undefined && retiredEnv !== ""
      ? { value: retiredEnv, name: RETIRED_PHASE_FILE.env }
      : { value: context(RETIRED_PHASE_FILE.context), name: `cdktf.json context "${RETIRED_PHASE_FILE.context}"` };
  if (retired.value !== undefined) {
    // A context value may be any JSON: quote a non-string as written, not as "[object Object]".
    const value = typeof retired.value === "string" ? retired.value : JSON.stringify(retired.value);
    const folder = value.endsWith(".json") ? value.slice(0, -".json".length) : undefined;
    throw new UserError(
      folder
        ? `${retired.name} ("${value}") is no longer read, since each pair's phase is a file of its own in a folder; remove it and set CRDR_PHASE_DIR (or context "phaseDir") to "${folder}", where ${value} is still read until npm run phase-migrate moves it into that folder.`
        : `${retired.name} ("${value}") is no longer read, since each pair's phase is a file of its own in a folder; rename that file to end in .json, remove the setting, and set CRDR_PHASE_DIR (or context "phaseDir") to its name without .json, then run npm run phase-migrate.`,
    );
  }
  const configured = read("phaseDir");
  if (configured !== undefined && typeof configured !== "string") {
    throw new UserError(
      `The phase folder setting ${JSON.stringify(configured)} is not a string; set CRDR_PHASE_DIR or context "phaseDir" to a folder such as "${PHASE_DIR_NAME}".`,
    );
  }
  return path.resolve(projectDir, configured ?? PHASE_DIR_NAME);
}
