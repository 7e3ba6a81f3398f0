import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CdktfConfig, readCdktfConfig } from "../settings/cdktf-config";
import { UserError } from "../user-error";

export interface SynthResult {
  readonly outdir: string;
  readonly durationMs: number;
}

/**
 * Runs cdktf.json's `app` command the way `cdktf synth` does (same output
 * folder, same context), without starting the cdktf CLI. The failover uses it
 * mid-outage, where every second counts.
 */
export function synthesize(projectDir: string, env: NodeJS.ProcessEnv = process.env): SynthResult {
  const config = readCdktfConfig(projectDir);
  const started = Date.now();
  const result = spawnSync(config.app, {
    cwd: projectDir,
    shell: true,
    encoding: "utf8",
    env: synthEnvironment(config, env),
  });
  if (result.error) {
    throw new UserError(
      `Could not run the synth command "${config.app}" (${result.error.message}); check cdktf.json's "app".`,
    );
  }
  if (result.status !== 0) throw synthFailed(result.status, result.stderr, result.stdout);
  return { outdir: config.outdir, durationMs: Date.now() - started };
}

/** The environment cdktf.json's app runs in, as `cdktf synth` gives it. */
export function synthEnvironment(config: CdktfConfig, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    CDKTF_OUTDIR: config.outdir,
    CDKTF_CONTEXT_JSON: JSON.stringify(config.context),
    CHECKPOINT_DISABLE: "1",
  };
}

/** The app exited non-zero: its own words, and its exit code. */
export function synthFailed(status: number | null, stderr: string, stdout: string): UserError {
  const detail = (stderr || stdout || "").trim();
  return new UserError(`Synth failed (exit ${status}):\n${detail}`, status ?? 1);
}

/** The app command of this project's own cdktf.json: its compiled main, built when stale. */
const OWN_APP = /^node tools\/run-built\.js main$/;

/**
 * Synthesizes like `synthesize`, but when cdktf.json's app is this project's
 * own compiled main (already built by the caller), runs it in this process
 * instead of starting another node: `npm run synth` costs one process.
 */
export function synthesizeHere(projectDir: string, env: NodeJS.ProcessEnv = process.env): SynthResult {
  const config = readCdktfConfig(projectDir);
  const main = path.join(projectDir, "dist", "main.js");
  if (!OWN_APP.test(config.app.trim()) || !fs.existsSync(main)) return synthesize(projectDir, env);
  const started = Date.now();
  Object.assign(process.env, synthEnvironment(config, env));
  // The built app, loaded into this process: its path is only known at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(main);
  return { outdir: config.outdir, durationMs: Date.now() - started };
}
