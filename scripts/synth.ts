import * as path from "path";
import { runCommand } from "../lib/cli/command-runner";
import { synthesize } from "../lib/synth/synthesize";
import { SynthesizedStack } from "../lib/synth/synthesized-stack";

void runCommand(false, async ({ reporter }) => {
  const projectDir = process.cwd();
  const result = synthesize(projectDir);
  for (const name of SynthesizedStack.listStacks(result.outdir)) {
    const stack = SynthesizedStack.load(result.outdir, name);
    const phase = stack.pair.phase.phase;
    reporter.info(`${path.relative(projectDir, stack.file)}  (phase: ${phase})`);
  }
  reporter.done(`Synthesized in ${result.durationMs} ms.`);
});
