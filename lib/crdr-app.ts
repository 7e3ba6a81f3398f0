import * as path from "path";
import { App } from "cdktf";
import { BackendSettings, DEFAULT_BACKEND, parseBackendSettings } from "./backend";
import { CrdrPairProps, resolvePairProps } from "./crdr-pair-props";
import { CrdrPairStack } from "./crdr-pair-stack";
import { PHASE_FILE_NAME, PhaseFile } from "./phase-file";
import { UserError } from "./user-error";
import { DeclaredPair } from "./validation/fleet-rules";
import { assertValid, fleetProblems } from "./validation/validate";

/** A pair as main.ts declares it. */
export interface PairDeclaration extends Omit<CrdrPairProps, "project" | "phase"> {
  /**
   * The pair's stack name: its folder under `cdktf.out/stacks/` and the name
   * the failover tooling takes with `--stack`. Like resource addresses, it is
   * part of where the pair's state lives; do not rename it.
   * @default - the primary's service name.
   */
  readonly stackName?: string;
  /**
   * @default - the app's Aiven project (see `AppSettings.project`).
   */
  readonly project?: string;
}

/** Settings that come from the environment rather than from main.ts. */
export interface AppSettings {
  /**
   * The raw setting inputs this synth saw, as recorded in each stack; the
   * tooling resynthesizes when the environment no longer matches it.
   */
  readonly fingerprint: string;
  readonly project: string;
  readonly backend: BackendSettings;
  readonly phaseFile: string;
  readonly projectDir: string;
  readonly outdir: string;
}

/** cdktf.json `context` keys, each overridden by its environment variable. */
export const SETTING_SOURCES = {
  project: { context: "aivenProject", env: "AIVEN_PROJECT" },
  backend: { context: "backend", env: "CRDR_BACKEND" },
  phaseFile: { context: "phaseFile", env: "CRDR_PHASE_FILE" },
} as const;

type SettingReader = (key: keyof typeof SETTING_SOURCES) => unknown;

/** Reads a setting from its environment variable, else from the context. */
export function settingReader(env: NodeJS.ProcessEnv, context: (key: string) => unknown): SettingReader {
  return (key) => {
    const source = SETTING_SOURCES[key];
    const fromEnv = env[source.env];
    return fromEnv !== undefined && fromEnv !== "" ? fromEnv : context(source.context);
  };
}

export function settingsFingerprint(read: SettingReader): string {
  return JSON.stringify(Object.fromEntries((Object.keys(SETTING_SOURCES) as Array<keyof typeof SETTING_SOURCES>).map((k) => [k, read(k) ?? null])));
}

export interface SettingsDefaults {
  /** The Aiven project when neither context nor environment names one. */
  readonly project: string;
}

export function settingsFrom(
  app: App,
  defaults: SettingsDefaults,
  env: NodeJS.ProcessEnv = process.env,
  projectDir: string = process.cwd(),
): AppSettings {
  const read = settingReader(env, (key) => app.node.tryGetContext(key));

  const project = read("project");
  if (project !== undefined && typeof project !== "string") {
    throw new UserError(`The Aiven project setting ${JSON.stringify(project)} is not a string; set "aivenProject" in cdktf.json context or AIVEN_PROJECT to the project name.`);
  }

  let backend: BackendSettings = DEFAULT_BACKEND;
  const rawBackend = read("backend");
  if (rawBackend !== undefined) {
    let value = rawBackend;
    if (typeof rawBackend === "string") {
      try {
        value = JSON.parse(rawBackend);
      } catch {
        throw new UserError(`${SETTING_SOURCES.backend.env} is not JSON; set it to an object such as {"type":"s3","bucket":"…","region":"…"}.`);
      }
    }
    backend = parseBackendSettings(value, typeof rawBackend === "string" ? SETTING_SOURCES.backend.env : `cdktf.json context "backend"`);
  }

  const phaseFile = read("phaseFile");
  return {
    fingerprint: settingsFingerprint(read),
    project: project ?? defaults.project,
    backend,
    phaseFile: path.resolve(projectDir, typeof phaseFile === "string" ? phaseFile : PHASE_FILE_NAME),
    projectDir,
    outdir: path.relative(projectDir, path.resolve(projectDir, app.outdir)) || ".",
  };
}

/**
 * Validates every declaration at once, reads each pair's phase from the phase
 * file, and adds one stack per pair to the app.
 */
export function declarePairs(app: App, settings: AppSettings, declarations: readonly PairDeclaration[]): CrdrPairStack[] {
  if (declarations.length === 0) {
    throw new UserError("main.ts declares no CRDR pairs; add at least one pair to the list passed to declarePairs.");
  }
  const phases = PhaseFile.load(settings.phaseFile);
  const declared: DeclaredPair[] = declarations.map((d) => {
    const stackName = d.stackName ?? d.primary?.serviceName ?? "";
    const { stackName: _omit, ...props } = d;
    return {
      stackName,
      props: resolvePairProps({ ...props, project: d.project ?? settings.project, phase: phases.phaseOf(stackName) }),
    };
  });
  assertValid(fleetProblems(declared));
  phases.assertOnlyDeclared(declared.map((p) => p.stackName));

  return declared.map(
    (p) =>
      new CrdrPairStack(app, p.stackName, {
        pair: p.props,
        backend: settings.backend,
        settingsFingerprint: settings.fingerprint,
        projectDir: settings.projectDir,
        outdir: settings.outdir,
      }),
  );
}
