import { Command } from "commander";
import * as path from "path";
import { runCommand } from "../lib/cli/command-runner";
import { commandName, TOOL_COMMANDS } from "../lib/cli/crdr-commands";
import { parseCommandLine } from "../lib/cli/parse-command-line";
import { synthesizeHere } from "../lib/synth/synthesize";
import { stateInPrimaryRegion } from "../lib/synth/state-location";
import { SynthesizedStack } from "../lib/synth/synthesized-stack";

const program = new Command(commandName("synth")).description(TOOL_COMMANDS["synth"].description);
parseCommandLine(program);

void runCommand(false, async ({ reporter }) => {
  const projectDir = process.cwd();
  const result = synthesizeHere(projectDir);
  for (const name of SynthesizedStack.listStacks(result.outdir)) {
    const stack = SynthesizedStack.load(result.outdir, name);
    reporter.info(`${path.relative(projectDir, stack.file)}  (phase: ${stack.pair.phase.phase})`);
    const stateWarning = stateInPrimaryRegion(stack);
    if (stateWarning) reporter.warn(stateWarning);
  }
  reporter.done(`Synthesized in ${result.durationMs} ms.`);
});
