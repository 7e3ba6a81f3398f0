import { OPERATIONS } from "../phase/operation-names";
import { GatedSynth } from "../synth/gated-synth";

/**
 * Starts the resynth of a single-pair operation (`crdr failover --stack …`)
 * before the command line is parsed: the app's node start-up and module
 * loading then run beside this process's own, and it waits at its gate
 * until the operation has recorded the new phase (see `GatedSynth`). Only a
 * guess from the words given: the operation decides whether it is used, and
 * an unused one is killed when the process exits, having written nothing.
 * A region run (`--region`) synthesizes once at its end, a dry run and help
 * never: none is started for them.
 */
export function startSynthAhead(argv: readonly string[], projectDir: string, env: NodeJS.ProcessEnv): void {
  const [command, ...flags] = argv.slice(2);
  if (!(OPERATIONS as readonly string[]).includes(command)) return;
  const given = (flag: string) => flags.some((f) => f === flag || f.startsWith(`${flag}=`));
  if (!given("--stack") || given("--dry-run") || given("--help") || flags.includes("-h")) return;
  GatedSynth.startAhead(projectDir, env);
}
