import { NORMAL, PhaseRecord } from "../phase/phase-record";
import { samePhase } from "../phase/phase-change";
import { PhaseFolder } from "../phase/phase-folder";
import { layoutFor, ResourceLayout } from "../phase/phase-layout";
import { PairManifest } from "../contract/pair-manifest";
import { attribute, PlannedChange, priorAttribute, PriorResource } from "./terraform-plan";

export type Side = "primary" | "recovery" | "integration";

export interface Located {
  readonly pair: PairManifest;
  readonly side: Side;
}

/**
 * What the review knows besides the plan: the declared pairs (from the
 * synthesized stacks) and their recorded phases, and which stack the plan is
 * for, when known.
 */
export class ReviewContext {
  constructor(
    readonly pairs: readonly PairManifest[],
    private readonly phases?: PhaseFolder,
    /** The stack whose plan is reviewed. */
    readonly planStack?: string,
    /** The phases as the base branch has them, when the review compares the pull request's with it. */
    private readonly basePhases?: PhaseFolder,
  ) {}

  phaseOf(pair: PairManifest): PhaseRecord {
    return this.phases?.phaseOf(pair.stack) ?? NORMAL;
  }

  /** The pair's record on the base branch; undefined when the review has no base to compare with. */
  basePhaseOf(pair: PairManifest): PhaseRecord | undefined {
    return this.basePhases?.phaseOf(pair.stack);
  }

  /** Whether a phase file (the pull request's or the base branch's) holds a record of the pair: an operation ran on it, so it exists. */
  isRecorded(pair: PairManifest): boolean {
    return !!this.phases?.stacks().includes(pair.stack) || !!this.basePhases?.stacks().includes(pair.stack);
  }

  /** The pairs in scope whose record the pull request changes from the base branch's (when and by which run aside). */
  phaseChanges(): Array<{ pair: PairManifest; from: PhaseRecord; to: PhaseRecord }> {
    return this.pairsInScope().flatMap((pair) => {
      const from = this.basePhaseOf(pair);
      const to = this.phaseOf(pair);
      return from && !samePhase(from, to) ? [{ pair, from, to }] : [];
    });
  }

  /** The pairs this review speaks for: the plan's own, or every pair when the plan's stack is not known. */
  pairsInScope(): readonly PairManifest[] {
    return this.planStack === undefined ? this.pairs : this.pairs.filter((p) => p.stack === this.planStack);
  }

  /** How the pair's recorded phase lays out this resource: managed, frozen, or forgotten. */
  layoutOf(located: Located): ResourceLayout {
    return layoutFor(this.phaseOf(located.pair))[located.side];
  }

  /**
   * The pair and role a change or state object belongs to, by what it is: an
   * aiven_pg by its service name, an integration by its source and
   * destination (either way round), in the pair's project. When the plan
   * carries those values and they name no pair, the object is not the pair's,
   * whatever its address. Only when the plan carries no such values does the
   * pinned address in the plan's own stack decide.
   */
  locate(change: PlannedChange | PriorResource): Located | undefined {
    const identities =
      "kind" in change
        ? [
            identityOf(change.type, (k) => attribute(change, "after", k)),
            identityOf(change.type, (k) => attribute(change, "before", k)),
          ]
        : [identityOf(change.type, (k) => priorAttribute(change, k))];
    const known = identities.filter((i): i is Identity => i !== undefined);
    if (known.length) {
      for (const identity of known) {
        const found = this.byIdentity(change.type, identity);
        if (found) return found;
      }
      return undefined;
    }
    const own = this.pairs.find((p) => p.stack === this.planStack);
    if (!own) return undefined;
    if (change.address === own.primary.address) return { pair: own, side: "primary" };
    if (change.address === own.recovery.address) return { pair: own, side: "recovery" };
    if (change.address === own.integration.address) return { pair: own, side: "integration" };
    return undefined;
  }

  private byIdentity(type: string, identity: Identity): Located | undefined {
    const inProject = this.pairs.filter((p) => identity.project === undefined || identity.project === p.project);
    if (type === "aiven_pg") {
      for (const pair of inProject) {
        if (identity.names[0] === pair.primary.serviceName) return { pair, side: "primary" };
        if (identity.names[0] === pair.recovery.serviceName) return { pair, side: "recovery" };
      }
      return undefined;
    }
    const pair = inProject.find(
      (p) => identity.names.includes(p.primary.serviceName) && identity.names.includes(p.recovery.serviceName),
    );
    return pair ? { pair, side: "integration" } : undefined;
  }
}

/** The values that say which object a resource is. */
interface Identity {
  readonly project?: string;
  /** An aiven_pg's service name; an integration's source and destination. */
  readonly names: readonly string[];
}

function identityOf(type: string, value: (key: string) => unknown): Identity | undefined {
  const project = typeof value("project") === "string" ? (value("project") as string) : undefined;
  if (type === "aiven_pg") {
    const name = value("service_name");
    return typeof name === "string" ? { project, names: [name] } : undefined;
  }
  if (type === "aiven_service_integration") {
    const ends = [value("source_service_name"), value("destination_service_name")];
    return ends.every((e) => typeof e === "string") ? { project, names: ends } : undefined;
  }
  return undefined;
}
