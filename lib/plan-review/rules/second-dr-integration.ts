import { layoutFor } from "../../phase/phase-layout";
import { pendingImportsOf } from "../../phase/phase-record";
import { changeFinding } from "../change-finding";
import { isPlannedDrLink, NOT_APPLICABLE, PlanRule } from "../plan-rule";
import { attribute } from "../terraform-plan";

/**
 * Creating a disaster_recovery integration for a pair that already has one:
 * another one in state, one the phase file says Aiven holds and must be
 * imported (after a revert), or the one a failover made Terraform forget
 * (Aiven keeps it until the revert).
 */
export const secondDrIntegration: PlanRule = {
  id: "second-dr-integration",
  severity: "danger",
  title: "second disaster_recovery integration for a pair",
  evaluate(plan, context) {
    const creates = plan.changes.filter(
      (c) =>
        c.type === "aiven_service_integration" &&
        (c.kind === "create" || c.kind === "replace") &&
        !c.importing &&
        isPlannedDrLink(c.after),
    );
    if (!creates.length) return NOT_APPLICABLE;
    const findings = [];
    for (const c of creates) {
      const located = context.locate(c);
      const ends = [
        attribute(c, "after", "source_service_name"),
        attribute(c, "after", "destination_service_name"),
      ].filter((v): v is string => typeof v === "string");
      // Another DR link sharing a service with this one: by name when the plan
      // knows the names; else by the pair this one belongs to; else (its ends
      // are known only after apply) any pair's link, of the plan's own pair
      // when the plan's stack is known.
      const samePair = (values: Record<string, unknown>, other: ReturnType<typeof context.locate>) =>
        ends.length
          ? [values.source_service_name, values.destination_service_name].some(
              (n) => typeof n === "string" && ends.includes(n),
            )
          : located
            ? other?.pair.stack === located.pair.stack
            : !!other && (context.planStack === undefined || other.pair.stack === context.planStack);
      const kept = plan.changes
        .filter(
          (o) =>
            o !== c &&
            o.type === "aiven_service_integration" &&
            isPlannedDrLink(o.before) &&
            !["delete", "replace", "forget"].includes(o.kind),
        )
        .filter((o) => samePair(o.before ?? {}, context.locate(o)));
      const inState = plan.prior
        .filter(
          (p) =>
            p.type === "aiven_service_integration" &&
            p.address !== c.address &&
            isPlannedDrLink(p.values) &&
            !plan.changes.some((o) => o.address === p.address && ["delete", "replace", "forget"].includes(o.kind)),
        )
        .filter((p) => samePair(p.values, context.locate(p)));
      const existing = [...kept.map((o) => o.address), ...inState.map((p) => p.address)][0];
      // The pair is the created link's, or else the one of the link it duplicates.
      const pair = located ?? [...kept, ...inState].map((o) => context.locate(o)).find((l) => l !== undefined);
      const phase = pair ? context.phaseOf(pair.pair) : undefined;
      const pendingImport = !!phase && pendingImportsOf(phase).some((i) => i.address === c.address);
      const forgottenByFailover = !!pair && !!phase && layoutFor(phase).integration === "forgotten";
      if (existing || pendingImport || forgottenByFailover) {
        findings.push(
          changeFinding(this, c, pair, {
            message: existing
              ? `${c.address} creates a disaster_recovery integration although ${existing} already links the pair`
              : pendingImport
                ? `${c.address} is created, but the phase file records it as a pending import: Aiven already holds this integration`
                : `${c.address} creates a disaster_recovery integration for ${pair!.pair.stack}, which is "${phase!.phase}": the failover made Terraform forget the pair's link, and Aiven still holds it`,
            why:
              forgottenByFailover && !existing && !pendingImport
                ? "After a failover the DR link is forgotten, not gone: Aiven keeps it for the revert, which imports it back. Creating one now makes a second link (or fails halfway through the apply). Remove the resource until npm run revert records the revert."
                : "A pair has one DR link. Aiven refuses or duplicates a second one; after a revert the existing link must be imported (the import block in the synthesized config), not created.",
          }),
        );
      }
    }
    return findings;
  },
};
