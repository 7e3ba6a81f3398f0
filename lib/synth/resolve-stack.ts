import * as fs from "fs";
import * as path from "path";
import { SETTINGS_FINGERPRINT_KEY } from "../contract/pair-manifest";
import { PhaseRecord } from "../phase/phase-record";
import { PhaseFolder } from "../phase/phase-folder";
import { readCdktfConfig } from "../settings/cdktf-config";
import { synthesize } from "./synthesize";
import { UserError } from "../user-error";
import { SynthesizedStack } from "./synthesized-stack";
import { ToolingSettings } from "../settings/tool-settings";

/** Newest modification time among the files that feed synth. */
function newestInput(projectDir: string, phaseDir: string): number {
  const candidates = [path.join(projectDir, "cdktf.json"), path.join(projectDir, "main.ts")];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) candidates.push(full);
    }
  };
  walk(path.join(projectDir, "lib"));
  return Math.max(
    PhaseFolder.newestChange(phaseDir),
    ...candidates.filter((f) => fs.existsSync(f)).map((f) => fs.statSync(f).mtimeMs),
  );
}

/** Compares two phase records field by field (synth output sorts keys). */
function samePhase(a: PhaseRecord, b: PhaseRecord): boolean {
  const canonical = (r: PhaseRecord) => JSON.stringify(Object.entries(r).sort(([x], [y]) => x.localeCompare(y)));
  return canonical(a) === canonical(b);
}

export interface ResolvedStack {
  readonly stack: SynthesizedStack;
  readonly phases: PhaseFolder;
  readonly synthesized: boolean;
}

/**
 * Loads a pair's synthesized stack, synthesizing first when it is missing,
 * older than its inputs, or synthesized for another phase than the phase file
 * records. If that synth fails (say main.ts is mid-edit) while a synthesized
 * stack exists, the existing one is used with a warning: in an outage the
 * names and addresses it holds are what matters, and they never change.
 */
export interface ResolveOptions {
  /**
   * Refuse when a needed synth fails, instead of falling back to the existing
   * output: an operation that will change something must be able to
   * synthesize again afterwards. @default false
   */
  readonly strict?: boolean;
  readonly warn?: (message: string) => void;
}

export function resolveStack(
  projectDir: string,
  stackName: string,
  env: NodeJS.ProcessEnv,
  files: ToolingSettings,
  options: ResolveOptions = {},
): ResolvedStack {
  const { outdir } = readCdktfConfig(projectDir);
  const phases = PhaseFolder.load(files.phaseDir);
  let synthesized = false;
  const fresh = () => {
    if (!SynthesizedStack.exists(outdir, stackName)) return false;
    const stack = SynthesizedStack.load(outdir, stackName);
    return (
      stack.mtimeMs() >= newestInput(projectDir, files.phaseDir) &&
      samePhase(stack.pair.phase, phases.phaseOf(stackName)) &&
      stack.json["//"]?.[SETTINGS_FINGERPRINT_KEY] === files.fingerprint
    );
  };
  if (!fresh()) {
    try {
      synthesize(projectDir, env);
      synthesized = true;
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      if (options.strict) {
        throw new UserError(
          `The project does not synthesize, and an operation must synthesize the new phase once Aiven has changed, so nothing was sent; fix main.ts or the phase file (--dry-run shows the steps meanwhile), then rerun. ${err.message}`,
        );
      }
      if (!SynthesizedStack.exists(outdir, stackName)) throw err;
      options.warn?.(
        `synth failed, so the existing, older cdktf.out is used for names and addresses: ${err.message.split("\n")[0]}`,
      );
    }
  }
  return { stack: SynthesizedStack.load(outdir, stackName), phases, synthesized };
}
