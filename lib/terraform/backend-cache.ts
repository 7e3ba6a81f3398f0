import * as fs from "fs";
import * as path from "path";

/**
 * Whether `terraform init` already set up the backend a stack declares: its
 * `.terraform/terraform.tfstate` names the same backend type with the same
 * settings. Then the state commands can run without another init (which
 * costs a process per pair, and may try the registry). Anything unreadable
 * or different means init is needed.
 */
export function backendAlreadyInitialized(workingDirectory: string, declared: unknown): boolean {
  if (!declared || typeof declared !== "object") return false;
  const entries = Object.entries(declared as Record<string, unknown>);
  if (entries.length !== 1) return false;
  const [type, config] = entries[0];
  let cached: { backend?: { type?: string; config?: Record<string, unknown> } };
  try {
    cached = JSON.parse(fs.readFileSync(path.join(workingDirectory, ".terraform", "terraform.tfstate"), "utf8"));
  } catch {
    return false;
  }
  if (cached.backend?.type !== type || !cached.backend.config || !config || typeof config !== "object") return false;
  const settings = cached.backend.config;
  return Object.entries(config as Record<string, unknown>).every(([key, value]) => JSON.stringify(settings[key]) === JSON.stringify(value));
}
