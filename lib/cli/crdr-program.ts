import { Command } from "commander";
import * as path from "path";
import { EXIT } from "../exit-codes";
import { CRDR_COMMANDS, describeCommand, isCrdrCommand, isOperation } from "./crdr-commands";
import { runOperation } from "./operation-command";
import { refuseUsage } from "./parse-command-line";

/** `crdr --help`: every command, generated from the registry and the command table. */
export function crdrHelp(): string {
  const program = new Command("crdr")
    .description(
      "Aiven for PostgreSQL cross-region disaster recovery: the DR operations and the tools around them. Each command's own --help lists its flags.",
    )
    .usage("<command> [flags]")
    .helpCommand(false);
  for (const command of CRDR_COMMANDS) program.command(command).description(describeCommand(command));
  return program.helpInformation();
}

/**
 * Runs `crdr <command> …`: an operation from its registry entry, any other
 * command by its own compiled script (as its npm script does), in this
 * process. `argv` is node's: [node, this script, command, …flags].
 */
export function runCrdr(argv: readonly string[], scriptsDir: string): void {
  const [command, ...rest] = argv.slice(2);
  // `crdr help failover` is `crdr failover --help`.
  if (command === "help" && rest.length) return runCrdr([argv[0], argv[1], rest[0], "--help"], scriptsDir);
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    const write =
      command === undefined ? (t: string) => process.stderr.write(t) : (t: string) => process.stdout.write(t);
    write(crdrHelp());
    if (command === undefined) process.exitCode = EXIT.refused;
    return;
  }
  if (!isCrdrCommand(command)) {
    refuseUsage(
      `"${command}" is not a crdr command; use one of ${CRDR_COMMANDS.join(", ")} (crdr --help describes them).`,
      command === "--json" || rest.includes("--json"),
    );
  }
  const own = [argv[0], argv[1], ...rest];
  if (isOperation(command)) return runOperation(command, undefined, own);
  // The script parses process.argv as if run directly.
  const entry = path.join(scriptsDir, `${command}.js`);
  process.argv.splice(0, process.argv.length, argv[0], entry, ...rest);
  // The script's path is only known at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(entry);
}
