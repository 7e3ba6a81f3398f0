import { isDrIntegration, NOT_APPLICABLE, PlanRule } from "../plan-rule";

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
      const bare = c.address.replace(/^(module\.[^.]+(\[[^\]]*\])?\.)+/, "");
      const kept = plan.changes.filter((o) => o !== c && o.type === "aiven_service_integration" && isDrIntegration(o.before) && !["delete", "replace", "forget"].includes(o.kind));
      const inState = plan.prior.filter((p) => p.type === "aiven_service_integration" && p.address !== c.address && isDrIntegration(p.values));
      const existing = [...kept.map((k) => ({ address: k.address, located: context.locate(k) })), ...inState.map((p) => ({ address: p.address, located: context.locate(p) }))].find(
        (e) => !located || !e.located || e.located.pair.stack === located.pair.stack,
      );
      const phase = located ? context.phaseOf(located.pair) : undefined;
      const pendingImport = phase?.phase === "normal" && phase.pendingImports?.some((i) => i.address === bare);
      if (existing || pendingImport) {
        findings.push({
          rule: this.id,
          severity: this.severity,
          address: c.address,
          stack: located?.pair.stack,
          message: existing
            ? `${c.address} creates a disaster_recovery integration although ${existing.address} already links the pair`
            : `${c.address} is created, but the phase file records it as a pending import: Aiven already holds this integration`,
          why: "A pair has one DR link. Aiven refuses or duplicates a second one; after a failback the existing link must be imported (the import block in the synthesized config), not created.",
        });
      }
    }
    return findings;
  },
};
