import { settingReader, settingsFingerprint } from "./setting-sources";
import { phaseDirSetting } from "./phase-dir-setting";
import { readCdktfConfig } from "./cdktf-config";

export interface ToolingSettings {
  /** The phase folder (see `PhaseFolder`). */
  readonly phaseDir: string;
  /** The setting inputs as synth would see them now (see `AppSettings.fingerprint`). */
  readonly fingerprint: string;
}

/**
 * The phase folder the app reads, found the way main.ts finds it (environment,
 * then cdktf.json context, then the default), so the tooling writes the same
 * files synth reads.
 */
export function settingsForTooling(projectDir: string, env: NodeJS.ProcessEnv): ToolingSettings {
  const context = readCdktfConfig(projectDir).context;
  const read = settingReader(env, (key) => context[key]);
  return {
    phaseDir: phaseDirSetting(read, env, (key) => context[key], projectDir),
    fingerprint: settingsFingerprint(read),
  };
}
