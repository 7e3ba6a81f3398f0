import { PairManifest, PeerSide } from "../contract/pair-manifest";
import { PendingImport } from "../phase/phase-record";
import { UserError } from "../user-error";

/** One resource instance of a pulled state, as far as ownership is judged. */
interface StateResource {
  readonly address: string;
  readonly attributes: Record<string, unknown>;
}

/** What a pulled state holds: the root module's managed resources, by address. */
export interface StateContents {
  /** False when the backend holds no state at all (`state pull` printed nothing). */
  readonly exists: boolean;
  readonly resources: ReadonlyMap<string, StateResource>;
}

/** Reads `terraform state pull` output; undefined when it is not a Terraform state. */
export function parsePulledState(pulled: string): StateContents | undefined {
  if (!pulled.trim()) return { exists: false, resources: new Map() };
  let json: unknown;
  try {
    json = JSON.parse(pulled);
  } catch {
    return undefined;
  }
  const list = (json as { resources?: unknown })?.resources;
  if (!Array.isArray(list)) return undefined;
  const resources = new Map<string, StateResource>();
  for (const r of list as Array<Record<string, any>>) {
    if (r?.mode !== "managed" || typeof r.type !== "string" || typeof r.name !== "string") continue;
    const address = `${typeof r.module === "string" ? `${r.module}.` : ""}${r.type}.${r.name}`;
    resources.set(address, { address, attributes: (r.instances?.[0]?.attributes ?? {}) as Record<string, unknown> });
  }
  return { exists: true, resources };
}

/**
 * The pinned addresses a state must hold before an operation acts: those the
 * stack declares (managed or frozen), except imports still pending and what
 * this operation forgets (an interrupted earlier run may have forgotten it
 * already).
 */
export function addressesExpectedInState(
  pair: PairManifest,
  pendingImports: readonly PendingImport[],
  toForget: readonly string[],
): string[] {
  const declared = [pair.primary, pair.recovery, pair.integration]
    .filter((r) => r.layout !== "forgotten")
    .map((r) => r.address);
  return declared.filter((a) => !pendingImports.some((i) => i.address === a) && !toForget.includes(a));
}

/**
 * What in `state` says it is not this pair's: a pinned address holding
 * another service (or another project's), a DR link between other services,
 * or an expected address missing. Empty when the state is the pair's.
 */
export function ownershipProblems(state: StateContents, pair: PairManifest, expected: readonly string[]): string[] {
  if (!state.exists) return ["no state exists there"];
  if (!state.resources.size) return ["the state there is empty"];
  const problems: string[] = [];
  for (const side of ["primary", "recovery"] as PeerSide[]) {
    const found = state.resources.get(pair[side].address);
    if (!found) continue;
    const { project, service_name: name } = found.attributes;
    if (name !== pair[side].serviceName || project !== pair.project) {
      problems.push(
        `${pair[side].address} holds ${String(name)} in project ${String(project)}, not ${pair[side].serviceName} in ${pair.project}`,
      );
    }
  }
  const link = state.resources.get(pair.integration.address);
  if (link) {
    const { project, source_service_name: from, destination_service_name: to } = link.attributes;
    // Aiven may report the link the other way round while the recovery leads.
    const ends = [String(from), String(to)].sort().join(" ");
    if (project !== pair.project || ends !== [pair.primary.serviceName, pair.recovery.serviceName].sort().join(" ")) {
      problems.push(
        `${pair.integration.address} links ${String(from)} to ${String(to)} in project ${String(project)}, not ${pair.primary.serviceName} and ${pair.recovery.serviceName}`,
      );
    }
  }
  const missing = expected.filter((a) => !state.resources.has(a));
  if (missing.length) {
    const held = [...state.resources.keys()];
    problems.push(
      `it holds no ${missing.join(" and ")} (it holds ${held.length > 5 ? `${held.slice(0, 5).join(", ")} and ${held.length - 5} more` : held.join(", ")})`,
    );
  }
  return problems;
}

/**
 * Refuses unless the pulled state is this pair's (see `ownershipProblems`):
 * a backend setting pointing elsewhere, a missing state file or another
 * pair's state would otherwise let a role change go out that Terraform
 * never learns of. Returns the addresses the state holds.
 */
export function proveStateIsThePairs(
  pulled: string,
  pair: PairManifest,
  expected: readonly string[],
  backend: string,
): string[] {
  const state = parsePulledState(pulled);
  if (!state) {
    throw new UserError(
      `What ${backend} holds is not a Terraform state; check CRDR_BACKEND and the backend settings, then rerun. Nothing was sent to Aiven.`,
    );
  }
  const problems = ownershipProblems(state, pair, expected);
  if (problems.length) {
    throw new UserError(
      `The Terraform state read from ${backend} is not ${pair.stack}'s: ${problems.join("; ")}. Check CRDR_BACKEND and the backend settings (the state must hold the pair as applied), then rerun. Nothing was sent to Aiven.`,
    );
  }
  return [...state.resources.keys()];
}
