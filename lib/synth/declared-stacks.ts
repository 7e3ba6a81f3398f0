import * as fs from "fs";
import * as path from "path";
import { readCdktfConfig } from "../settings/cdktf-config";
import { synthesize } from "./synthesize";
import { SynthesizedStack } from "./synthesized-stack";

/**
 * The stacks main.ts declares, as cdktf.out's manifest lists them (the one
 * source of names for the tooling); synthesized first when nothing is and
 * `maySynthesize` (synth reads the phases, so it cannot run while they are
 * two sources). Undefined when it cannot be known.
 */
export function declaredStacks(
  projectDir: string,
  env: NodeJS.ProcessEnv,
  maySynthesize: boolean,
): string[] | undefined {
  const { outdir } = readCdktfConfig(projectDir);
  if (!fs.existsSync(path.join(outdir, "manifest.json"))) {
    if (!maySynthesize) return undefined;
    synthesize(projectDir, env);
  }
  return SynthesizedStack.listStacks(outdir);
}
