import { changeFinding } from "../change-finding";
import { Located } from "../review-context";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";
import { PlannedChange } from "../terraform-plan";

/**
 * A second Terraform address managing one of a pair's services: another
 * aiven_pg with the pair's service name in its project, or an import of the
 * pair's service (`PROJECT/SERVICE`) to an address other than its pinned one.
 * Two addresses then plan against one production database, and the failover
 * tooling, which forgets, freezes and imports the pinned address only, leaves
 * the other one free to power a failed primary back on or destroy it.
 */
export const secondPgManager: PlanRule = {
  id: "second-pg-manager",
  severity: "danger",
  title: "a second address managing a pair's service",
  evaluate(plan, context) {
    const pgs = plan.changes.filter(
      (c) => c.type === "aiven_pg" && c.mode === "managed" && !c.deposed && c.kind !== "delete" && c.kind !== "forget",
    );
    if (!pgs.length) return NOT_APPLICABLE;
    const findings = [];
    for (const c of pgs) {
      const located = context.locate(c) ?? importedPairService(c, context.pairs);
      if (!located || located.side === "integration") continue;
      const pinned = located.pair[located.side].address;
      // A move off the pinned address is pinned-address-moved's.
      if (c.address === pinned || c.previousAddress === pinned) continue;
      const service = located.pair[located.side].serviceName;
      findings.push(
        changeFinding(this, c, located, {
          message: c.importing
            ? `${c.address} imports ${c.importing.id ?? service}, the ${located.side} of ${located.pair.stack}, which ${pinned} already manages`
            : `${c.address} ${c.kind === "no-op" ? "manages" : c.kind === "create" ? "creates" : "plans a change to"} ${service} in project ${located.pair.project}, the ${located.side} of ${located.pair.stack}, which ${pinned} manages`,
          why: `One service, two managers in state: each plans against the same production database, and the DR tooling handles ${pinned} only, so after a failover the other address can power the failed primary back on, change it, or destroy it. Manage the pair's services through the pair alone; remove the second resource or import.`,
        }),
      );
    }
    return findings;
  },
};

/** The pair's service an import id (`PROJECT/SERVICE_NAME`) names, when the plan's values do not say. */
function importedPairService(change: PlannedChange, pairs: readonly Located["pair"][]): Located | undefined {
  const id = change.importing?.id;
  if (!id) return undefined;
  for (const pair of pairs) {
    if (id === `${pair.project}/${pair.primary.serviceName}`) return { pair, side: "primary" };
    if (id === `${pair.project}/${pair.recovery.serviceName}`) return { pair, side: "recovery" };
  }
  return undefined;
}
