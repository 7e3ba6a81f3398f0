import * as path from "path";
import { SETTING_SOURCES } from "../crdr-app";
import { PHASE_FILE_NAME } from "../phase-file";
import { readCdktfConfig } from "../synth/cdktf-config";

export interface AppSettingsFiles {
  readonly phaseFile: string;
}

/**
 * The phase file the app reads, found the way main.ts finds it (environment,
 * then cdktf.json context, then the default), so the tooling writes the same
 * file synth reads.
 */
export function settingsFiles(projectDir: string, env: NodeJS.ProcessEnv): AppSettingsFiles {
  const source = SETTING_SOURCES.phaseFile;
  const fromContext = readCdktfConfig(projectDir).context[source.context];
  const configured = env[source.env] || (typeof fromContext === "string" ? fromContext : undefined);
  return { phaseFile: path.resolve(projectDir, configured ?? PHASE_FILE_NAME) };
}
