import { AivenApiError } from "../aiven/aiven-api-error";
import { AivenClient } from "../aiven/aiven-client";
import { AivenService } from "../aiven/aiven-types";

/** One peer as the API showed it, or why it could not be read. */
export type PeerStatus =
  | { readonly reachable: true; readonly service: AivenService }
  | { readonly reachable: false; readonly error: AivenApiError };

export async function readPeer(client: AivenClient, project: string, service: string): Promise<PeerStatus> {
  try {
    return { reachable: true, service: await client.getService(project, service) };
  } catch (err) {
    if (err instanceof AivenApiError && err.isUnavailable) return { reachable: false, error: err };
    throw err;
  }
}

export function describePeer(name: string, status: PeerStatus): string {
  if (!status.reachable) return `${name}: unreachable (${status.error.message})`;
  return `${name}: ${status.service.state}/${status.service.disaster_recovery_role ?? "no DR role"}`;
}

export function isRole(status: PeerStatus, state: string | undefined, role: string): boolean {
  return status.reachable && status.service.disaster_recovery_role === role && (state === undefined || status.service.state === state);
}
