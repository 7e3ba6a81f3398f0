import { UserError } from "../user-error";

/**
 * Terraform's machine-readable plan (`terraform show -json <planfile>`),
 * reduced to what the review needs. Unknown fields are ignored; an unknown
 * major `format_version` is refused, since its meaning may have changed.
 */
export type ChangeKind = "no-op" | "create" | "read" | "update" | "delete" | "replace" | "forget";

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly mode: "managed" | "data";
  readonly providerName?: string;
  readonly actions: readonly string[];
  readonly kind: ChangeKind;
  /** For a replace: whether the new object is created before the old is destroyed. */
  readonly createBeforeDestroy: boolean;
  readonly importing?: { readonly id?: string };
  readonly actionReason?: string;
  readonly replacePaths?: unknown[];
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
  readonly beforeSensitive: unknown;
  readonly afterSensitive: unknown;
}

export interface PriorResource {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, unknown>;
}

export interface TerraformPlan {
  readonly formatVersion: string;
  readonly terraformVersion?: string;
  readonly errored: boolean;
  readonly changes: readonly PlannedChange[];
  readonly prior: readonly PriorResource[];
}

export const SUPPORTED_FORMAT_MAJOR = 1;

export function kindOf(actions: readonly string[]): ChangeKind {
  const has = (a: string) => actions.includes(a);
  if (has("forget")) return "forget";
  if (has("delete") && has("create")) return "replace";
  if (has("delete")) return "delete";
  if (has("create")) return "create";
  if (has("update")) return "update";
  if (has("read")) return "read";
  return "no-op";
}

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function collectPrior(module: any, out: PriorResource[]): void {
  if (!module || typeof module !== "object") return;
  for (const r of Array.isArray(module.resources) ? module.resources : []) {
    if (r && typeof r.address === "string" && typeof r.type === "string") out.push({ address: r.address, type: r.type, values: record(r.values) ?? {} });
  }
  for (const child of Array.isArray(module.child_modules) ? module.child_modules : []) collectPrior(child, out);
}

/** Parses plan JSON text, refusing anything that is not a Terraform JSON plan. */
export function parsePlan(text: string, source: string): TerraformPlan {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${source} is not JSON (${(err as Error).message}); pass the output of "terraform show -json <planfile>".`);
  }
  const looksLikePlan = raw && typeof raw === "object" && typeof raw.format_version === "string" && ("resource_changes" in raw || "planned_values" in raw || "errored" in raw);
  if (!looksLikePlan) {
    const hint = raw && typeof raw === "object" && "values" in raw && !("planned_values" in raw) ? " (it looks like state, from terraform show -json without a plan file)" : "";
    throw new UserError(`${source} is not a Terraform plan${hint}; pass the output of "terraform show -json <planfile>", which has format_version and resource_changes.`);
  }
  const major = Number(String(raw.format_version).split(".")[0]);
  if (major !== SUPPORTED_FORMAT_MAJOR) {
    throw new UserError(`${source} has plan format_version ${raw.format_version}, but this review understands ${SUPPORTED_FORMAT_MAJOR}.x; update the review tool or produce the plan with a Terraform that writes format ${SUPPORTED_FORMAT_MAJOR}.x.`);
  }
  const changes: PlannedChange[] = [];
  for (const rc of Array.isArray(raw.resource_changes) ? raw.resource_changes : []) {
    if (!rc || typeof rc.address !== "string" || !rc.change) continue;
    const actions: string[] = Array.isArray(rc.change.actions) ? rc.change.actions.filter((a: unknown) => typeof a === "string") : [];
    changes.push({
      address: rc.address,
      type: String(rc.type ?? ""),
      name: String(rc.name ?? ""),
      mode: rc.mode === "data" ? "data" : "managed",
      providerName: typeof rc.provider_name === "string" ? rc.provider_name : undefined,
      actions,
      kind: kindOf(actions),
      createBeforeDestroy: actions[0] === "create" && actions.includes("delete"),
      importing: rc.change.importing && typeof rc.change.importing === "object" ? { id: rc.change.importing.id } : undefined,
      actionReason: typeof rc.action_reason === "string" ? rc.action_reason : undefined,
      replacePaths: Array.isArray(rc.change.replace_paths) ? rc.change.replace_paths : undefined,
      before: record(rc.change.before),
      after: record(rc.change.after),
      beforeSensitive: rc.change.before_sensitive,
      afterSensitive: rc.change.after_sensitive,
    });
  }
  const prior: PriorResource[] = [];
  collectPrior(raw.prior_state?.values?.root_module, prior);
  return {
    formatVersion: raw.format_version,
    terraformVersion: typeof raw.terraform_version === "string" ? raw.terraform_version : undefined,
    errored: raw.errored === true,
    changes,
    prior,
  };
}

/**
 * A top-level attribute value, or undefined when the plan marks it sensitive
 * (sensitive values are never shown nor reasoned about).
 */
export function attribute(change: PlannedChange, which: "before" | "after", key: string): unknown {
  const sensitive = which === "before" ? change.beforeSensitive : change.afterSensitive;
  if (sensitive === true) return undefined;
  if (sensitive && typeof sensitive === "object" && (sensitive as Record<string, unknown>)[key] === true) return undefined;
  return change[which]?.[key];
}

/** An address without its module path: `module.a.aiven_pg.primary` → `aiven_pg.primary`. */
export function addressInModule(address: string): string {
  return address.replace(/^(module\.[^.]+(\[[^\]]*\])?\.)+/, "");
}
