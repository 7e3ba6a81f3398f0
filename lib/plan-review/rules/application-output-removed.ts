import { applicationOutputList } from "../../contract/pair-manifest";
import { Finding } from "../finding";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/**
 * Applications read a pair's connection details from its application outputs
 * (the manifest's `applicationOutputs`), through `terraform output` or
 * `terraform_remote_state`. Every phase declares all of them, so no plan
 * should remove one: if it does, whatever reads it breaks at the apply, and
 * most likely in the middle of an outage.
 */
export const applicationOutputRemoved: PlanRule = {
  id: "application-output-removed",
  severity: "danger",
  title: "application output removed",
  evaluate(plan, context) {
    const pairs = context.planStack ? context.pairs.filter((p) => p.stack === context.planStack) : context.pairs;
    const owners = new Map<string, string[]>();
    for (const pair of pairs)
      for (const name of pair.applicationOutputs ? applicationOutputList(pair.applicationOutputs) : [])
        owners.set(name, [...(owners.get(name) ?? []), pair.stack]);
    const watched = plan.outputChanges.filter((o) => owners.has(o.name));
    if (!watched.length) return NOT_APPLICABLE;
    return watched
      .filter((o) => o.kind === "delete")
      .map((o): Finding => ({
        rule: this.id,
        severity: this.severity,
        address: `output.${o.name}`,
        // Named by stack only when the plan's stack, or a single pair, says whose it is.
        ...(owners.get(o.name)!.length === 1 ? { stack: owners.get(o.name)![0] } : {}),
        message: `the application output ${o.name} is removed`,
        why: "Applications read the pair's endpoint from this output; every phase declares it, so a plan that removes it comes from a config that lost it, and whatever reads it breaks at the apply.",
      }));
  },
};
