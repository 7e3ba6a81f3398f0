import { changeFinding } from "../change-finding";
import { NOT_APPLICABLE, PlanRule } from "../plan-rule";

/** A deleted or replaced aiven_pg takes its data with it. */
export const pgDestroyed: PlanRule = {
  id: "pg-destroyed",
  severity: "danger",
  title: "aiven_pg deleted or replaced",
  evaluate(plan, context) {
    const pgs = plan.changes.filter((c) => c.type === "aiven_pg" && c.mode === "managed");
    if (!pgs.length) return NOT_APPLICABLE;
    return pgs
      .filter((c) => c.kind === "delete" || c.kind === "replace")
      .map((c) => {
        const located = context.locate(c);
        const reason =
          c.kind === "replace"
            ? `replaced${c.replacePaths?.length ? ` (forced by ${c.replacePaths.map((p) => (Array.isArray(p) ? p.join(".") : String(p))).join(", ")})` : ""}`
            : "deleted";
        return changeFinding(this, c, located, {
          message: `PostgreSQL service ${located ? `${located.side} of ${located.pair.stack}` : c.address} is ${reason}`,
          why: "Deleting or replacing an aiven_pg destroys the database and its data; termination protection makes the apply fail, but the plan intends it.",
        });
      });
  },
};
