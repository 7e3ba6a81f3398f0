import * as fs from "fs";
import * as path from "path";
import { UserError } from "../user-error";

/**
 * The base branch's phase folder from what `--base-phases` names: the folder
 * itself, or the old single file (`crdr-phases.json`), which is found beside
 * the folder of the same name. Either way PhaseFolder then reads whichever
 * the base branch has, and refuses both at once.
 */
export function basePhaseDirOf(given: string): string {
  const resolved = path.resolve(given);
  if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) return resolved;
  if (resolved.endsWith(".json")) return resolved.slice(0, -".json".length);
  if (!fs.existsSync(resolved)) return resolved;
  throw new UserError(
    `--base-phases ${given} is a file that is not the old phase file (a name ending in .json); pass the base branch's phase folder (crdr-phases) or its crdr-phases.json.`,
  );
}
