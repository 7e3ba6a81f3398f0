import { Command, Option } from "commander";

/**
 * npm takes every flag typed before `--` in `npm run failover --dry-run -- …`
 * for its own configuration: the script never sees it, only an environment
 * variable (`npm_config_dry_run=true`), and a flag's value arrives alone as an
 * argument. Going on would do what was not asked: a real failover instead of
 * a dry run. So a command refuses when npm took one of its own flags.
 *
 * npm exports some of its settings whatever was typed (`npm_config_yes` is
 * empty unless `--yes` was given; false settings are exported empty), so only
 * a non-empty, non-false value means the flag was typed. The check applies
 * only to the npm script being run: the variables of an outer `npm test`
 * reach the commands its tests start, under another `npm_lifecycle_event`.
 */
export function flagsNpmTook(program: Command, env: NodeJS.ProcessEnv): Option[] {
  const script = /^npm run (\S+) --$/.exec(program.name())?.[1];
  if (!script || env.npm_lifecycle_event !== script) return [];
  // `--dry-run` before `--` is refused even by a command without one: the
  // engineer asked for a dry run, and the command would do it for real.
  const options = program.options.some((o) => o.long === "--dry-run")
    ? program.options
    : [...program.options, new Option("--dry-run")];
  return options.filter((option) => {
    if (!option.long) return false;
    const value = env[`npm_config_${option.long.slice(2).replace(/-/g, "_")}`];
    return value !== undefined && value !== "" && value !== "false";
  });
}

/**
 * The one sentence that says so, with the command line that works. npm
 * passes a taken flag's value (`--stack pg-primary`) on as a leading argument
 * and sets the flag's variable to "true"; typed as `--stack=pg-primary`, the
 * variable holds the value. With two such values, which is whose is lost:
 * the sentence then names them without guessing.
 */
export function npmTookFlagsMessage(
  program: Command,
  took: readonly Option[],
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (!program.options.some((o) => o.long === "--dry-run") && took.some((o) => o.long === "--dry-run")) {
    const real = program.name().replace(/ --$/, "");
    return `npm took --dry-run for itself, and ${real} has no dry run: nothing was done. To do it for real, run ${real} without --dry-run`;
  }
  const names = took.map((o) => o.long!);
  const listed = listOf(names);
  const takesValue = (o: Option) => o.required || o.optional;
  const typed = (o: Option) => env[`npm_config_${o.long!.slice(2).replace(/-/g, "_")}`]!;
  const strays = args.slice(0, firstFlag(args));
  const valuesPassedOn = took.filter((o) => takesValue(o) && typed(o) === "true");
  if (valuesPassedOn.length > 1 && strays.length) {
    return (
      `npm took ${listed} for itself and passed ${listOf(strays.map((s) => JSON.stringify(s)))} on without saying which is whose: ` +
      `put ${names.length === 1 ? "it" : "them"} after --, each with its value, as in ${[program.name(), ...args.slice(strays.length), ...took.map(usage)].join(" ")}`
    );
  }
  const left = [...strays];
  const moved = took.map((o) => {
    if (!takesValue(o)) return o.long!;
    const value = typed(o) !== "true" ? typed(o) : left.shift();
    return value === undefined ? usage(o) : `${o.long} ${shellWord(value)}`;
  });
  const kept = args.slice(strays.length - left.length);
  return `npm took ${listed} for itself: put ${names.length === 1 ? "it" : "them"} after --, as in ${[program.name(), ...kept.map(shellWord), ...moved].join(" ")}`;
}

function listOf(items: readonly string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function firstFlag(args: readonly string[]): number {
  const i = args.findIndex((a) => a.startsWith("-"));
  return i < 0 ? args.length : i;
}

/** `--stack <pair>`: the flag as its help shows it, when its value is not known. */
function usage(option: Option): string {
  return option.flags.replace(/^-\w, /, "");
}

/** The value as a shell takes it back unchanged. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
