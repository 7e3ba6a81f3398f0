/**
 * Settings that differ per environment: each comes from cdktf.json `context`,
 * overridden by its environment variable. Synth and the DR tooling read them
 * the same way, through `settingReader`.
 */
export const SETTING_SOURCES = {
  project: { context: "aivenProject", env: "AIVEN_PROJECT" },
  backend: { context: "backend", env: "CRDR_BACKEND" },
  phaseDir: { context: "phaseDir", env: "CRDR_PHASE_DIR" },
} as const;

/**
 * The single phase file's setting, before one file per pair: refused, with
 * what to set instead, rather than ignored (a repository that moved its file
 * would otherwise read every pair as normal).
 */
export const RETIRED_PHASE_FILE = { context: "phaseFile", env: "CRDR_PHASE_FILE" } as const;

export type SettingName = keyof typeof SETTING_SOURCES;
export type SettingReader = (key: SettingName) => unknown;

/** Reads a setting from its environment variable, else from the context. */
export function settingReader(env: NodeJS.ProcessEnv, context: (key: string) => unknown): SettingReader {
  return (key) => {
    const source = SETTING_SOURCES[key];
    const fromEnv = env[source.env];
    return fromEnv !== undefined && fromEnv !== "" ? fromEnv : context(source.context);
  };
}

/**
 * The raw setting inputs, as one string each stack records: the tooling
 * resynthesizes when the environment no longer matches what a stack was
 * synthesized with.
 */
export function settingsFingerprint(read: SettingReader): string {
  return JSON.stringify(
    Object.fromEntries((Object.keys(SETTING_SOURCES) as SettingName[]).map((k) => [k, read(k) ?? null])),
  );
}
