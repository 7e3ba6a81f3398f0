import * as fs from "fs";
import * as path from "path";

/**
 * Settings that say who reads, not which state is read: teams pass them with
 * `-backend-config` on purpose, and their values are never printed.
 */
const CREDENTIAL_SETTING = /password|username|secret|token|access_key|_pem$|profile|credentials|role|session/;

/** What `.terraform/terraform.tfstate` says about the backend init set up, when it matches the declared one or not. */
export type BackendCache = { kind: "none" } | { kind: "same" } | { kind: "different"; difference: string };

/**
 * Compares the backend `terraform init` set up in a working directory
 * (`.terraform/terraform.tfstate`) with the one the stack declares. `same`
 * means the state commands can run without another init (which costs a
 * process per pair, and may try the registry). `different` includes settings
 * given to an earlier init with `-backend-config` that the stack does not
 * declare: terraform keeps those silently, and would read another state.
 */
export function compareBackendCache(workingDirectory: string, declared: unknown): BackendCache {
  let cached: { backend?: { type?: string; config?: Record<string, unknown> } };
  try {
    cached = JSON.parse(fs.readFileSync(path.join(workingDirectory, ".terraform", "terraform.tfstate"), "utf8"));
  } catch {
    return { kind: "none" };
  }
  const entries = declared && typeof declared === "object" ? Object.entries(declared as Record<string, unknown>) : [];
  if (entries.length !== 1 || !cached.backend?.type) return { kind: "none" };
  const [type, config] = entries[0] as [string, Record<string, unknown>];
  if (cached.backend.type !== type)
    return {
      kind: "different",
      difference: `it was initialised for a ${cached.backend.type} backend, the stack declares ${type}`,
    };
  const settings = cached.backend.config ?? {};
  const keys = new Set([
    ...Object.keys(config ?? {}),
    ...Object.keys(settings).filter((k) => settings[k] !== null && settings[k] !== undefined),
  ]);
  const differing = [...keys]
    .filter((k) => !CREDENTIAL_SETTING.test(k))
    .filter((k) => JSON.stringify(settings[k] ?? null) !== JSON.stringify(config?.[k] ?? null));
  if (!differing.length) return { kind: "same" };
  const show = (v: unknown) => (v === undefined || v === null ? "(unset)" : JSON.stringify(v));
  return {
    kind: "different",
    difference: differing
      .map((k) => `${k} ${show(settings[k])} where the stack declares ${show(config?.[k])}`)
      .join(", "),
  };
}

/** Whether an earlier `terraform init` already set up exactly the declared backend. */
export function backendAlreadyInitialized(workingDirectory: string, declared: unknown): boolean {
  return compareBackendCache(workingDirectory, declared).kind === "same";
}
