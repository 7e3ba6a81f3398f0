import { pendingImportsOf } from "../../phase/phase-record";
import { changeFinding } from "../change-finding";
import { isDrIntegration, NOT_APPLICABLE, PlanRule } from "../plan-rule";
import { attribute } from "../terraform-plan";

/**
 * Creating a disaster_recovery integration for a pair that already has one:
 * another one in state, or one the phase file says Aiven holds and must be
 * imported (after a failback).
 */
export const secondDrIntegration: PlanRule = {
  id: "second-dr-integration",
  severity: "danger",
  title: "second disaster_recovery integration for a pair",
  evaluate(plan, context) {
    const creates = plan.changes.filter((c) => c.type === "aiven_service_integration" && (c.kind === "create" || c.kind === "replace") && !c.importing && isDrIntegration(c.after));
    if (!creates.length) return NOT_APPLICABLE;
    const findings = [];
    for (const c of creates) {
      const located = context.locate(c);
      const ends = [attribute(c, "after", "source_service_name"), attribute(c, "after", "destination_service_name")].filter((v): v is string => typeof v === "string");
      // Another DR link sharing a service with this one (by name when the plan
      // knows the names, else by the pair it belongs to).
      const samePair = (values: Record<string, unknown>, other: ReturnType<typeof context.locate>) =>
        ends.length
          ? [values.source_service_name, values.destination_service_name].some((n) => typeof n === "string" && ends.includes(n))
          : !!located && other?.pair.stack === located.pair.stack;
      const kept = plan.changes
        .filter((o) => o !== c && o.type === "aiven_service_integration" && isDrIntegration(o.before) && !["delete", "replace", "forget"].includes(o.kind))
        .filter((o) => samePair(o.before ?? {}, context.locate(o)))
        .map((o) => o.address);
      const inState = plan.prior
        .filter((p) => p.type === "aiven_service_integration" && p.address !== c.address && isDrIntegration(p.values) && !plan.changes.some((o) => o.address === p.address && ["delete", "replace", "forget"].includes(o.kind)))
        .filter((p) => samePair(p.values, context.locate(p)))
        .map((p) => p.address);
      const existing = [...kept, ...inState][0];
      const phase = located ? context.phaseOf(located.pair) : undefined;
      const pendingImport = !!phase && pendingImportsOf(phase).some((i) => i.address === c.address);
      if (existing || pendingImport) {
        findings.push(
          changeFinding(this, c, located, {
            message: existing
              ? `${c.address} creates a disaster_recovery integration although ${existing} already links the pair`
              : `${c.address} is created, but the phase file records it as a pending import: Aiven already holds this integration`,
            why: "A pair has one DR link. Aiven refuses or duplicates a second one; after a failback the existing link must be imported (the import block in the synthesized config), not created.",
          }),
        );
      }
    }
    return findings;
  },
};
