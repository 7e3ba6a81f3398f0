import * as path from "path";
import { settingReader, settingsFingerprint } from "./setting-sources";
import { PHASE_FILE_NAME } from "../phase/phase-file";
import { readCdktfConfig } from "./cdktf-config";

export interface ToolingSettings {
  readonly phaseFile: string;
  /** The setting inputs as synth would see them now (see `AppSettings.fingerprint`). */
  readonly fingerprint: string;
}

/**
 * The phase file the app reads, found the way main.ts finds it (environment,
 * then cdktf.json context, then the default), so the tooling writes the same
 * file synth reads.
 */
export function settingsForTooling(projectDir: string, env: NodeJS.ProcessEnv): ToolingSettings {
  const context = readCdktfConfig(projectDir).context;
  const read = settingReader(env, (key) => context[key]);
  const configured = read("phaseFile");
  return {
    phaseFile: path.resolve(projectDir, typeof configured === "string" ? configured : PHASE_FILE_NAME),
    fingerprint: settingsFingerprint(read),
  };
}
