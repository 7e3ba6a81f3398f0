import * as fs from "fs";
import * as path from "path";
import { UserError } from "../user-error";

/** The parts of cdktf.json the tooling uses. */
export interface CdktfConfig {
  readonly app: string;
  /** The synth output folder, absolute. */
  readonly outdir: string;
  readonly context: Record<string, unknown>;
}

export function readCdktfConfig(projectDir: string): CdktfConfig {
  const file = path.join(projectDir, "cdktf.json");
  let raw: { app?: unknown; output?: unknown; context?: unknown };
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`Cannot read ${file} (${(err as Error).message}); run the command from the project root.`);
  }
  if (typeof raw.app !== "string" || raw.app.trim() === "") {
    throw new UserError(`${file} has no "app" command; set "app" to the command that synthesizes the stacks.`);
  }
  return {
    app: raw.app,
    outdir: path.resolve(projectDir, typeof raw.output === "string" ? raw.output : "cdktf.out"),
    context: raw.context && typeof raw.context === "object" ? (raw.context as Record<string, unknown>) : {},
  };
}
