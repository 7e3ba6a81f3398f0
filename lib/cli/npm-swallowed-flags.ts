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

/** The one sentence that says so, with the command line that works. */
export function npmTookFlagsMessage(program: Command, took: readonly Option[], args: readonly string[]): string {
  if (!program.options.some((o) => o.long === "--dry-run") && took.some((o) => o.long === "--dry-run")) {
    const real = program.name().replace(/ --$/, "");
    return `npm took --dry-run for itself, and ${real} has no dry run: nothing was done. To do it for real, run ${real} without --dry-run`;
  }
  const names = took.map((o) => o.long!);
  const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  // A value flag npm took left its value behind as a stray argument.
  const tookAValue = took.some((o) => o.required || o.optional);
  const kept = tookAValue ? args.filter((a) => a.startsWith("-")) : [...args];
  const moved = took.map((o) => (o.required || o.optional ? o.flags.replace(/^(-\w, )?/, "") : o.long!));
  return `npm took ${listed} for itself: put ${names.length === 1 ? "it" : "them"} after --, as in ${[program.name(), ...kept, ...moved].join(" ")}`;
}
