import { randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { StateLockInfo } from "./state-lock-info";

/** The http backend's settings as `terraform init` cached them. */
interface HttpBackendConfig {
  lock_address?: string | null;
  lock_method?: string | null;
  unlock_address?: string | null;
  unlock_method?: string | null;
  username?: string | null;
  password?: string | null;
}

/**
 * Who holds the lock of an `http` backend's state. Terraform names only the
 * holder's ID ("HTTP remote state already locked: ID=…") and prints its own
 * attempt as the lock info; the holder's details are in the backend's 423
 * answer alone. So this asks the lock address the same way terraform does,
 * with a lock request of its own: refused, the answer names the holder; taken
 * (the holder let go meanwhile), it is released at once. Undefined when the
 * stack has no http backend with locking, or the backend does not say.
 */
export async function httpLockHolder(
  workingDirectory: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 5_000,
): Promise<StateLockInfo | undefined> {
  const config = cachedHttpBackend(workingDirectory);
  if (!config?.lock_address) return undefined;
  const username = config.username || env.TF_HTTP_USERNAME;
  const password = config.password || env.TF_HTTP_PASSWORD;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (username || password)
    headers.authorization = `Basic ${Buffer.from(`${username ?? ""}:${password ?? ""}`).toString("base64")}`;
  const probe = JSON.stringify({
    ID: randomUUID(),
    Operation: "OperationTypeInvalid",
    Info: "aiven-pg-crdr: reading who holds the lock",
    Who: "aiven-pg-crdr lock probe",
    Version: "",
    Created: new Date().toISOString(),
    Path: "",
  });
  try {
    const answer = await fetch(config.lock_address, {
      method: config.lock_method || "LOCK",
      headers,
      body: probe,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await answer.text();
    if (answer.ok) {
      await fetch(config.unlock_address || config.lock_address, {
        method: config.unlock_method || "UNLOCK",
        headers,
        body: probe,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return undefined;
    }
    if (answer.status !== 423 && answer.status !== 409) return undefined;
    const holder = JSON.parse(text) as {
      ID?: string;
      Who?: string;
      Operation?: string;
      Created?: string;
      Path?: string;
    };
    if (typeof holder?.ID !== "string") return undefined;
    return {
      id: holder.ID,
      who: holder.Who || undefined,
      operation: holder.Operation || undefined,
      created: holder.Created || undefined,
      path: holder.Path || undefined,
    };
  } catch {
    return undefined;
  }
}

function cachedHttpBackend(workingDirectory: string): HttpBackendConfig | undefined {
  try {
    const cached = JSON.parse(
      fs.readFileSync(path.join(workingDirectory, ".terraform", "terraform.tfstate"), "utf8"),
    ) as { backend?: { type?: string; config?: HttpBackendConfig } };
    return cached.backend?.type === "http" ? cached.backend.config : undefined;
  } catch {
    return undefined;
  }
}
