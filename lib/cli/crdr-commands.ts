import { OPERATIONS, OperationName } from "../phase/phase-record";
import { OPERATION_REGISTRY } from "../operations/operation-registry";

/** A `crdr` command that is not a DR operation: a script of its own under scripts/. */
export interface ToolCommand {
  readonly description: string;
  /** The npm script that runs it, when its name differs from the command's. @default - the command's name */
  readonly npmScript?: string;
  /** It runs main.ts (the declarations): a type error there must stop it. */
  readonly loadsDeclarations: boolean;
}

/** The commands besides the operations, each run by `scripts/<name>.ts`. */
export const TOOL_COMMANDS = {
  status: {
    description:
      "Show each pair's peers, DR link and recorded phase, flagging drift. Exit 0 healthy, 4 degraded, 5 drifted, 2 bad input.",
    loadsDeclarations: false,
  },
  drill: {
    description:
      "Rehearse every DR operation, with status checks, against the local simulator, on throw-away copies of the stacks and state.",
    loadsDeclarations: false,
  },
  "state-restore": {
    description:
      "Put a pair's Terraform state back as a backup in .crdr/backups holds it: shows what it would put back, refuses another state's backup, backs up the current state, pushes under the state lock.",
    loadsDeclarations: false,
  },
  "phase-migrate": {
    description:
      "Move the old single phase file (crdr-phases.json) into the phase folder, one file per pair (crdr-phases/<stack>.json): each file is read back and compared with the old record before the old file is removed. Exit 2 when the folder contradicts the old file.",
    loadsDeclarations: false,
  },
  sim: {
    description:
      "Start the local Aiven API simulator on 127.0.0.1, seeded with every synthesized pair as a healthy CRDR pair.",
    loadsDeclarations: false,
  },
  "plan-review": {
    description:
      "Review Terraform JSON plans (terraform show -json <planfile>) for what is dangerous to a CRDR pair; one report for all of them.",
    npmScript: "plan:review",
    loadsDeclarations: false,
  },
  synth: {
    description:
      "Synthesize every declared pair into cdktf.out/stacks/<stack>/cdk.tf.json, as cdktf synth does, without starting the cdktf CLI.",
    loadsDeclarations: true,
  },
} satisfies Record<string, ToolCommand>;

export type ToolCommandName = keyof typeof TOOL_COMMANDS;
export type CrdrCommandName = OperationName | ToolCommandName;

/** Every `crdr` command, in the order `crdr --help` lists them: the operations first. */
export const CRDR_COMMANDS: readonly CrdrCommandName[] = [
  ...OPERATIONS,
  ...(Object.keys(TOOL_COMMANDS) as ToolCommandName[]),
];

export function isOperation(command: string): command is OperationName {
  return (OPERATIONS as readonly string[]).includes(command);
}

export function isCrdrCommand(command: string): command is CrdrCommandName {
  return (CRDR_COMMANDS as readonly string[]).includes(command);
}

export function describeCommand(command: CrdrCommandName): string {
  return isOperation(command) ? OPERATION_REGISTRY[command].description : TOOL_COMMANDS[command].description;
}

/** The npm script that is an alias of the command (`npm run plan:review` for `crdr plan-review`). */
export function npmScriptOf(command: CrdrCommandName): string {
  return isOperation(command) ? command : ((TOOL_COMMANDS[command] as ToolCommand).npmScript ?? command);
}

/**
 * Whether the compiled entry point `target`, given `args`, runs without the
 * declarations (main.ts): tools/run-built.js asks this, only when main.ts
 * alone has type errors, to let the DR tooling run in an outage while the
 * app and synth refuse. `scripts/crdr <command>` is judged by its command.
 */
export function runsWithoutDeclarations(target: string, args: readonly string[]): boolean {
  // `crdr` alone, or with --help, only lists the commands.
  if (target === "scripts/crdr" && (args[0] === undefined || args[0].startsWith("-"))) return true;
  const command = target === "scripts/crdr" ? args[0] : /^scripts\/([a-z-]+)$/.exec(target)?.[1];
  if (command === undefined || !isCrdrCommand(command)) return false;
  return isOperation(command) || !TOOL_COMMANDS[command].loadsDeclarations;
}

/**
 * The name a command's usage lines show: what the engineer typed. Run by its
 * npm script, `npm run failover --` (the flags npm would take go after the
 * `--`); otherwise `crdr failover`.
 */
export function commandName(command: CrdrCommandName, env: NodeJS.ProcessEnv = process.env): string {
  const script = npmScriptOf(command);
  return env.npm_lifecycle_event === script ? `npm run ${script} --` : `crdr ${command}`;
}
