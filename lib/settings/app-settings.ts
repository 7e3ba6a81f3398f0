import * as path from "path";
import { UserError } from "../user-error";
import { BackendSettings, DEFAULT_BACKEND, parseBackendSettings } from "./backend-settings";
import { SETTING_SOURCES, settingReader, settingsFingerprint } from "./setting-sources";
import { phaseDirSetting } from "./phase-dir-setting";

/** Settings that come from the environment rather than from main.ts. */
export interface AppSettings {
  /** The raw setting inputs this synth saw (see `settingsFingerprint`). */
  readonly fingerprint: string;
  readonly project: string;
  readonly backend: BackendSettings;
  /** The phase folder (see `PhaseFolder`). */
  readonly phaseDir: string;
  readonly projectDir: string;
  readonly outdir: string;
}

export interface SettingsDefaults {
  /** The Aiven project when neither context nor environment names one. */
  readonly project: string;
}

/**
 * Reads and checks the app's settings from its context (`context(key)`, the
 * cdktf.json `context` as the app sees it) and the environment.
 */
export function settingsFrom(
  context: (key: string) => unknown,
  outdir: string,
  defaults: SettingsDefaults,
  env: NodeJS.ProcessEnv = process.env,
  projectDir: string = process.cwd(),
): AppSettings {
  const read = settingReader(env, context);

  const project = read("project");
  if (project !== undefined && typeof project !== "string") {
    throw new UserError(
      `The Aiven project setting ${JSON.stringify(project)} is not a string; set "aivenProject" in cdktf.json context or AIVEN_PROJECT to the project name.`,
    );
  }

  let backend: BackendSettings = DEFAULT_BACKEND;
  const rawBackend = read("backend");
  if (rawBackend !== undefined) {
    let value = rawBackend;
    if (typeof rawBackend === "string") {
      try {
        value = JSON.parse(rawBackend);
      } catch {
        throw new UserError(
          `${SETTING_SOURCES.backend.env} is not JSON; set it to an object such as {"type":"s3","bucket":"…","region":"…"}.`,
        );
      }
    }
    backend = parseBackendSettings(
      value,
      typeof rawBackend === "string" ? SETTING_SOURCES.backend.env : `cdktf.json context "backend"`,
    );
  }

  const phaseDir = phaseDirSetting(read, env, context, projectDir);
  return {
    fingerprint: settingsFingerprint(read),
    project: project ?? defaults.project,
    backend,
    phaseDir,
    projectDir,
    outdir: path.relative(projectDir, path.resolve(projectDir, outdir)) || ".",
  };
}
