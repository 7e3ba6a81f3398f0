import { PairManifest } from "../contract/pair-manifest";
import { UserError } from "../user-error";

/** Asks the engineer to type `expected`; undefined when no terminal is attached. */
export type Confirm = (prompt: string, expected: string) => Promise<boolean>;

/** Before a change: the engineer types the primary's service name, unless --yes or --dry-run. */
export async function confirmByPrimaryName(
  confirm: Confirm | undefined,
  pair: PairManifest,
  what: string,
  options: { dryRun: boolean; yes: boolean },
): Promise<void> {
  if (options.dryRun || options.yes) return;
  if (!confirm) throw new UserError("No terminal to confirm on; rerun with --yes to go ahead without the prompt.");
  const name = pair.primary.serviceName;
  const ok = await confirm(`This will ${what}. Type the primary's name (${name}) to go on: `, name);
  if (!ok) throw new UserError("Confirmation did not match the primary's service name; nothing was changed.");
}
