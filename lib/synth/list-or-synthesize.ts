import * as fs from "fs";
import * as path from "path";
import { readCdktfConfig } from "../settings/cdktf-config";
import { synthesize } from "./synthesize";
import { SynthesizedStack } from "./synthesized-stack";

/** The synthesized stacks' names, synthesizing first when nothing is synthesized yet. */
export function listOrSynthesize(projectDir: string, env: NodeJS.ProcessEnv): string[] {
  const { outdir } = readCdktfConfig(projectDir);
  if (!fs.existsSync(path.join(outdir, "manifest.json"))) synthesize(projectDir, env);
  return SynthesizedStack.listStacks(outdir);
}
