import { jsonErrorLocation } from "../json-error-location";
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
  /** Terraform's reason for the action, such as `replace_because_tainted` (see action-reason.ts). */
  readonly actionReason?: string;
  /** Set when the change is to a deposed object (left by a create-before-destroy replace), not the current one. */
  readonly deposed?: string;
  /** The address the object had before a `moved` block (or a module rename) moved it. */
  readonly previousAddress?: string;
  readonly replacePaths?: unknown[];
  /** The values before and after, with every value the plan marks sensitive replaced by SENSITIVE_VALUE. */
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
}

export interface PriorResource {
  readonly address: string;
  readonly type: string;
  readonly mode: "managed" | "data";
  /** The values in state, with every value marked in `sensitive_values` replaced by SENSITIVE_VALUE. */
  readonly values: Record<string, unknown>;
  readonly deposed?: string;
}

/** A root output's planned change: its name and actions only (values may be sensitive and are never read). */
export interface PlannedOutputChange {
  readonly name: string;
  readonly actions: readonly string[];
  readonly kind: ChangeKind;
}

export interface TerraformPlan {
  readonly formatVersion: string;
  readonly terraformVersion?: string;
  readonly errored: boolean;
  /** False when Terraform says the plan is incomplete: made with -target, or with changes deferred to a later plan. */
  readonly complete: boolean;
  readonly changes: readonly PlannedChange[];
  readonly prior: readonly PriorResource[];
  /** The root outputs' changes (`output_changes`). */
  readonly outputChanges: readonly PlannedOutputChange[];
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

/**
 * Stands in for every value the plan marks sensitive. The review never reads
 * past a mask: the values are replaced while parsing, so no rule can compare,
 * print or serialize them.
 */
export const SENSITIVE_VALUE: unique symbol = Symbol("sensitive value");

/** `value` with every part that `mask` (Terraform's `*_sensitive` shape: true, or an object or array of masks) marks replaced by SENSITIVE_VALUE. */
function masked(value: unknown, mask: unknown): unknown {
  if (mask === true) return SENSITIVE_VALUE;
  if (!mask || typeof mask !== "object" || !value || typeof value !== "object") return value;
  const masks = mask as Record<string, unknown>;
  if (Array.isArray(value)) return value.map((v, i) => masked(v, masks[i]));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, masks[k])]));
}

/** The values as a record, masked; an object masked whole has no readable values. */
function maskedValues(value: unknown, mask: unknown): Record<string, unknown> | null {
  if (!record(value)) return null;
  return record(masked(value, mask)) ?? {};
}

const stringOrUndefined = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function collectPrior(module: any, out: PriorResource[]): void {
  if (!module || typeof module !== "object") return;
  for (const r of Array.isArray(module.resources) ? module.resources : []) {
    if (r && typeof r.address === "string" && typeof r.type === "string") {
      out.push({
        address: r.address,
        type: r.type,
        mode: r.mode === "data" ? "data" : "managed",
        values: maskedValues(r.values, r.sensitive_values) ?? {},
        deposed: stringOrUndefined(r.deposed_key),
      });
    }
  }
  for (const child of Array.isArray(module.child_modules) ? module.child_modules : []) collectPrior(child, out);
}

/** Parses plan JSON text, refusing anything that is not a Terraform JSON plan. */
export function parsePlan(text: string, source: string): TerraformPlan {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch {
    // Never the parser's message: it quotes the input, which may hold a sensitive value.
    const where = jsonErrorLocation(text);
    throw new UserError(
      `${source} is not JSON (${where ? `it breaks at ${where}` : "it cannot be parsed"}); the file is damaged or is not what terraform printed: make the plan again and pass the output of "terraform show -json <planfile>".`,
    );
  }
  const looksLikePlan =
    raw &&
    typeof raw === "object" &&
    typeof raw.format_version === "string" &&
    ("resource_changes" in raw || "planned_values" in raw || "errored" in raw);
  if (!looksLikePlan) {
    const hint =
      raw && typeof raw === "object" && "values" in raw && !("planned_values" in raw)
        ? " (it looks like state, from terraform show -json without a plan file)"
        : "";
    throw new UserError(
      `${source} is not a Terraform plan${hint}; pass the output of "terraform show -json <planfile>", which has format_version and resource_changes.`,
    );
  }
  const major = Number(String(raw.format_version).split(".")[0]);
  if (major !== SUPPORTED_FORMAT_MAJOR) {
    throw new UserError(
      `${source} has plan format_version ${raw.format_version}, but this review understands ${SUPPORTED_FORMAT_MAJOR}.x; update the review tool or produce the plan with a Terraform that writes format ${SUPPORTED_FORMAT_MAJOR}.x.`,
    );
  }
  const changes: PlannedChange[] = [];
  for (const rc of Array.isArray(raw.resource_changes) ? raw.resource_changes : []) {
    if (!rc || typeof rc.address !== "string" || !rc.change) continue;
    const actions: string[] = Array.isArray(rc.change.actions)
      ? rc.change.actions.filter((a: unknown) => typeof a === "string")
      : [];
    changes.push({
      address: rc.address,
      type: String(rc.type ?? ""),
      name: String(rc.name ?? ""),
      mode: rc.mode === "data" ? "data" : "managed",
      providerName: typeof rc.provider_name === "string" ? rc.provider_name : undefined,
      actions,
      kind: kindOf(actions),
      createBeforeDestroy: actions[0] === "create" && actions.includes("delete"),
      importing:
        rc.change.importing && typeof rc.change.importing === "object" ? { id: rc.change.importing.id } : undefined,
      actionReason: stringOrUndefined(rc.action_reason),
      deposed: stringOrUndefined(rc.deposed),
      previousAddress: stringOrUndefined(rc.previous_address),
      replacePaths: Array.isArray(rc.change.replace_paths) ? rc.change.replace_paths : undefined,
      before: maskedValues(rc.change.before, rc.change.before_sensitive),
      after: maskedValues(rc.change.after, rc.change.after_sensitive),
    });
  }
  const prior: PriorResource[] = [];
  collectPrior(raw.prior_state?.values?.root_module, prior);
  return {
    formatVersion: raw.format_version,
    terraformVersion: typeof raw.terraform_version === "string" ? raw.terraform_version : undefined,
    errored: raw.errored === true,
    // Terraform before 1.8 does not say; a -target plan is then still seen by what it leaves out (incomplete-plan).
    complete: raw.complete !== false,
    changes,
    prior,
    outputChanges: outputChangesOf(raw.output_changes),
  };
}

function outputChangesOf(raw: unknown): PlannedOutputChange[] {
  if (!record(raw)) return [];
  return Object.entries(raw as Record<string, any>).flatMap(([name, change]) => {
    const actions: string[] = Array.isArray(change?.actions)
      ? change.actions.filter((a: unknown) => typeof a === "string")
      : [];
    return actions.length ? [{ name, actions, kind: kindOf(actions) }] : [];
  });
}

/**
 * A top-level attribute value, or undefined when it is unknown or the plan
 * marks it sensitive (sensitive values are never shown nor reasoned about).
 */
export function attribute(change: PlannedChange, which: "before" | "after", key: string): unknown {
  return readable(change[which]?.[key]);
}

/** A top-level value in state, or undefined when absent or sensitive. */
export function priorAttribute(resource: PriorResource, key: string): unknown {
  return readable(resource.values[key]);
}

/** Whether the plan marks this top-level attribute sensitive. */
export function isSensitive(values: Record<string, unknown> | null | undefined, key: string): boolean {
  return values?.[key] === SENSITIVE_VALUE;
}

const readable = (value: unknown): unknown => (value === SENSITIVE_VALUE ? undefined : value);
