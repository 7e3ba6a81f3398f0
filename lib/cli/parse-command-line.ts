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
    program.parse(argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.exitCode === 0) process.exit(EXIT.ok);
    process.stderr.write(`✖ ${usageMistake(program, err)}; see ${program.name()} --help.\n`);
    process.exit(EXIT.refused);
  }
}

function usageMistake(program: Command, err: CommanderError): string {
  if (err.code !== "commander.excessArguments") return err.message.replace(/^error: /, "");
  // A stray word is most often the value of a flag npm kept for itself (the
  // `--` forgotten), or a flag typed without its dashes: say where flags go.
  const example = program.options.find((o) => o.long === "--stack") ?? program.options[0];
  const stray = program.args.map((a) => JSON.stringify(a)).join(" ");
  const where = program.name().startsWith("npm run ")
    ? "every flag goes after --, each with its value"
    : "every flag goes with its value";
  return `unexpected argument ${stray}: ${where}, as in ${program.name()} ${example?.flags ?? ""}`.trimEnd();
}

/** The name commands show in usage lines: what an engineer types. */
export function npmScriptName(script: string): string {
  return `npm run ${script} --`;
}
