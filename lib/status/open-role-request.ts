import * as path from "path";
import { PairManifest } from "../contract/pair-manifest";
import { Journal, JournalEntry } from "../operations/journal";
import { DEFAULT_LOST_ANSWER_GRACE } from "../operations/operation-inputs";

/**
 * A role change a run from another checkout on this machine sent without
 * learning whether Aiven applied it: the operations see it in the pair's
 * machine-wide record, so status must too, or the engineer in this checkout
 * reads a pair at rest that a rerun here would first have to settle. A
 * request this checkout's journal holds is reported from that journal.
 */
export function openRequestFromAnotherCheckout(
  pair: PairManifest,
  pairRecord: string,
  projectDir: string,
): string | undefined {
  const open = Journal.openPairRequest(pairRecord);
  if (!open || sentFromHere(open, pair.stack, projectDir)) return undefined;
  const side = open.side === "primary" || open.side === "recovery" ? open.side : undefined;
  const service = side ? pair[side].serviceName : String(open.service ?? open.side);
  const where = typeof open.checkout === "string" ? `checkout ${open.checkout}` : "another checkout on this machine";
  const rerun = `npm run ${open.operation} -- --stack ${pair.stack}`;
  return (
    `a ${open.operation} run from ${where} (run ${open.runId}) asked Aiven at ${open.ts} to make ${service} ${String(open.role)} ` +
    `and never learned whether Aiven applied it (recorded in ${pairRecord}); ` +
    `a rerun of ${rerun}, from any checkout here, first reads both peers for up to --lost-answer-grace (default ${DEFAULT_LOST_ANSWER_GRACE}) ` +
    `and sends nothing if they show the change, and sends it once more only if neither shows any sign of it`
  );
}

function sentFromHere(open: JournalEntry, stack: string, projectDir: string): boolean {
  if (typeof open.checkout === "string") return path.resolve(open.checkout) === path.resolve(projectDir);
  // Recorded before the pair record named checkouts: this checkout's journal holds its own runs.
  return new Journal(projectDir, stack, String(open.operation), "-", false)
    .entries()
    .some((e) => e.runId === open.runId);
}
