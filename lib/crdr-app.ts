import { App } from "cdktf";
import { CrdrPairProps, resolvePairProps } from "./pair/crdr-pair-props";
import { CrdrPairStack } from "./pair/crdr-pair-stack";
import { PhaseFolder } from "./phase/phase-folder";
import { AppSettings, settingsFrom, SettingsDefaults } from "./settings/app-settings";
import { UserError } from "./user-error";
import { passSynthGate } from "./synth/synth-gate";
import { DeclaredPair } from "./pair/validation/fleet-rules";
import { assertValid, fleetProblems } from "./pair/validation/validate";

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

/**
 * Validates every declaration at once, reads each pair's phase from the phase
 * file, and adds one stack per pair to the app.
 */
export function declarePairs(
  app: App,
  settings: AppSettings,
  declarations: readonly PairDeclaration[],
): CrdrPairStack[] {
  if (declarations.length === 0) {
    throw new UserError("main.ts declares no CRDR pairs; add at least one pair to the list passed to declarePairs.");
  }
  // An app not run through runSynthApp still waits for the phase record before reading it.
  passSynthGate();
  const phases = PhaseFolder.load(settings.phaseDir);
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

/** The app's settings, read from its context (cdktf.json) and the environment. */
export function appSettings(
  app: App,
  defaults: SettingsDefaults,
  env: NodeJS.ProcessEnv = process.env,
  projectDir: string = process.cwd(),
): AppSettings {
  return settingsFrom((key) => app.node.tryGetContext(key), app.outdir, defaults, env, projectDir);
}
