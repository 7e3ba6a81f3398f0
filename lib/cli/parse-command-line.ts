import { Command, CommanderError, Option } from "commander";
import { EXIT } from "../exit-codes";
import { secretRedactor } from "../reporting/secret-redactor";
import { jsonErrorEvent } from "./json-error-event";
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
  const json = jsonAsked(program, argv, took);
  if (took.length) refuseUsage(`${npmTookFlagsMessage(program, took, argv.slice(2))}.`, json);
  program.exitOverride().configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  const repeated = watchRepeatedValues(program);
  try {
    program.parse(argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.exitCode === 0) process.exit(EXIT.ok);
    refuseUsage(repeated() ?? `${usageMistake(program, err)}; see ${program.name()} --help.`, json);
  }
  const twice = repeated();
  if (twice) refuseUsage(twice, json);
}

/**
 * Commander keeps the last of two values given to a single-value flag
 * (`--stack a --stack b` runs on b): in an outage that is a guess about
 * which pair was meant, so two different values are refused instead. A flag
 * meant to repeat collects its values into a list (its default is one).
 */
function watchRepeatedValues(program: Command): () => string | undefined {
  let first: string | undefined;
  for (const option of program.options) {
    if (!(option.required || option.optional) || option.variadic || Array.isArray(option.defaultValue)) continue;
    const seen: string[] = [];
    program.on(`option:${option.name()}`, (value: unknown) => {
      if (!seen.includes(String(value))) seen.push(String(value));
      if (!first && seen.length > 1)
        first = `${option.long} was given two different values, ${seen.map((v) => JSON.stringify(v)).join(" and ")}; give it once, with the value you mean`;
    });
  }
  return () => first && `${first}.`;
}

/**
 * Whether the engineer asked for `--json` on a command line that may not
 * parse: typed as is, or typed before npm's `--` (npm took it, and the
 * refusal must still end in an event a script can read).
 */
function jsonAsked(program: Command, argv: readonly string[], took: readonly Option[]): boolean {
  if (!program.options.some((o) => o.long === "--json")) return false;
  const args = argv.slice(2);
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).includes("--json") || took.some((o) => o.long === "--json");
}

/** A usage mistake: one line on stderr (and the `error` event under --json), exit 2, before anything is read or sent. */
export function refuseUsage(message: string, json: boolean): never {
  const redact = secretRedactor(process.env);
  if (json) process.stdout.write(jsonErrorEvent(EXIT.refused, redact(message)) + "\n");
  process.stderr.write(redact(`✖ ${message}`) + "\n");
  process.exit(EXIT.refused);
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
