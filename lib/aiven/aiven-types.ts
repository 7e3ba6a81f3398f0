import { DrRole } from "../contract/dr-roles";

/** The fields of Aiven's API this project reads. Unknown fields are kept but not typed. */

export const SERVICE_STATES = ["POWEROFF", "REBALANCING", "REBUILDING", "RUNNING"] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

export interface AivenServiceIntegration {
  readonly service_integration_id: string;
  readonly integration_type: string;
  readonly source_service: string;
  readonly dest_service: string;
  readonly source_project: string;
  readonly dest_project: string;
  readonly active: boolean;
  readonly enabled: boolean;
}

export interface AivenService {
  readonly service_name: string;
  readonly service_type?: string;
  readonly state: ServiceState | string;
  /** Absent on services without CRDR. */
  readonly disaster_recovery_role?: DrRole | string;
  readonly plan: string;
  readonly cloud_name: string;
  readonly service_integrations?: AivenServiceIntegration[];
  /** The Service URI, with the password in it: never print or store it. CRDR peers share it. */
  readonly service_uri?: string;
  /** The Service URI's parts (`port` is a string); `password` among them. */
  readonly service_uri_params?: Readonly<Record<string, string | undefined>>;
  /** Connection components; a CRDR peer's own read-only standby endpoint has `usage` "disaster_recovery". */
  readonly components?: Array<{ component: string; host?: string; port?: number; route?: string; usage?: string }>;
}
