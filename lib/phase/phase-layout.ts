import { PhaseRecord } from "./phase-record";

/**
 * How each of a pair's three resources appears in the synthesized config.
 *
 * - `managed`: declared normally.
 * - `frozen`: declared with `ignore_changes = all` and `prevent_destroy`, so no
 *   plan can update (and so power on) or destroy it.
 * - `forgotten`: not declared, plus a `removed { destroy = false }` block, so a
 *   state that still holds it plans a forget, never a destroy.
 */
export type ResourceLayout = "managed" | "frozen" | "forgotten";

export interface PhaseLayout {
  readonly primary: ResourceLayout;
  readonly recovery: ResourceLayout;
  readonly integration: ResourceLayout;
}

export function layoutFor(record: PhaseRecord): PhaseLayout {
  switch (record.phase) {
    case "normal":
      return { primary: "managed", recovery: "managed", integration: "managed" };
    case "switched-over":
      // Aiven may report the link with its ends swapped while the recovery
      // service leads; source and destination are ForceNew, so any diff would
      // plan a replacement (a window with no DR link). Freeze it instead.
      return { primary: "managed", recovery: "managed", integration: "frozen" };
    case "failed-over":
      return {
        primary: record.primary === "forgotten" ? "forgotten" : "frozen",
        recovery: "managed",
        integration: "forgotten",
      };
  }
}
