/** The fields of Aiven's API this project reads. Unknown fields are kept but not typed. */

export const DR_ROLES = ["active", "passive", "failed"] as const;
export type DrRole = (typeof DR_ROLES)[number];

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
  readonly components?: AivenComponent[];
  /** The connection URI; it holds the password, so it is never printed. */
  readonly service_uri?: string;
  /** `service_uri` split into host, port, user, password, dbname, sslmode (all strings); the password is never printed. */
  readonly service_uri_params?: Readonly<Record<string, string>>;
}

/** One way to reach a service: `usage` is primary, replica, ha_replica or disaster_recovery; `route` dynamic, public, private or privatelink. */
export interface AivenComponent {
  readonly component: string;
  readonly host?: string;
  readonly port?: number;
  readonly usage?: string;
  readonly route?: string;
  /** Present only on components that may be unencrypted. */
  readonly ssl?: boolean;
}
