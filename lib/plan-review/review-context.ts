import { NORMAL, PhaseRecord } from "../phase";
import { PhaseFile } from "../phase-file";
import { PairManifest } from "../pair-manifest";
import { addressInModule, attribute, PlannedChange, PriorResource } from "./terraform-plan";

export type Side = "primary" | "recovery" | "integration";

/**
 * What the review knows besides the plan: the declared pairs (from the
 * synthesized stacks) and their recorded phases, and which stack the plan is
 * for, when known.
 */
export class ReviewContext {
  constructor(
    readonly pairs: readonly PairManifest[],
    private readonly phases?: PhaseFile,
    /** The stack whose plan is reviewed. */
    readonly planStack?: string,
  ) {}

  phaseOf(pair: PairManifest): PhaseRecord {
    return this.phases?.phaseOf(pair.stack) ?? NORMAL;
  }

  /** The pair and role a change belongs to, by the service names it carries, else by its pinned address in the plan's stack. */
  locate(change: PlannedChange | PriorResource): { pair: PairManifest; side: Side } | undefined {
    const value = (key: string): unknown =>
      "kind" in change ? (attribute(change, "after", key) ?? attribute(change, "before", key)) : change.values[key];
    const project = value("project");
    const sameProject = (p: PairManifest) => project === undefined || project === p.project;
    if (change.type === "aiven_pg") {
      const name = value("service_name");
      for (const pair of this.pairs.filter(sameProject)) {
        if (name === pair.primary.serviceName) return { pair, side: "primary" };
        if (name === pair.recovery.serviceName) return { pair, side: "recovery" };
      }
    }
    if (change.type === "aiven_service_integration") {
      const ends = [value("source_service_name"), value("destination_service_name")];
      const pair = this.pairs.filter(sameProject).find((p) => ends.includes(p.primary.serviceName) && ends.includes(p.recovery.serviceName));
      if (pair) return { pair, side: "integration" };
    }
    const own = this.pairs.find((p) => p.stack === this.planStack);
    if (own) {
      const bare = addressInModule(change.address);
      if (bare === own.primary.address) return { pair: own, side: "primary" };
      if (bare === own.recovery.address) return { pair: own, side: "recovery" };
      if (bare === own.integration.address) return { pair: own, side: "integration" };
    }
    return undefined;
  }
}
