import { Command, CommanderError } from "commander";
import { EXIT } from "../exit-codes";
import { flagsNpmTook, npmTookFlagsMessage } from "./npm-swallowed-flags";

/**
 * Parses the command line. A usage mistake (an unknown flag, a missing
 * required one, a flag without its value) is one line and exit 2, without
 * the usage dump; `--help` prints the help and exits 0. Exit 1 stays for bugs.
 * A flag npm took for itself (typed before `--`) is refused the same way,
 * before anything is read or sent.
 */
export function parseCommandLine(program: Command, argv: readonly string[] = process.argv): void {
  const took = flagsNpmTook(program, process.env);
  if (took.length) {
    process.stderr.write(`✖ ${npmTookFlagsMessage(program, took, argv.slice(2))}.\n`);
    process.exit(EXIT.refused);
  }
  program.exitOverride().configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  try {
    program.parse(argv as string[]);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.exitCode === 0) process.exit(EXIT.ok);
    process.stderr.write(`✖ ${err.message.replace(/^error: /, "")}; see ${program.name()} --help.\n`);
    process.exit(EXIT.refused);
  }
}

/** The name commands show in usage lines: what an engineer types. */
export function npmScriptName(script: string): string {
  return `npm run ${script} --`;
}
