import { PeerSide } from "./pair-manifest";

/**
 * The outputs applications read (through `terraform output` or
 * `terraform_remote_state`). Their names are a contract, like resource
 * addresses: every phase declares all of them, from the same sources where it
 * can, so a reader never finds one missing in the middle of an outage.
 */
export const APPLICATION_OUTPUTS = {
  /** The read-write endpoint: the pair's shared Service URI, which Aiven points at whichever peer is active. */
  host: "app_host",
  port: "app_port",
  /** Sensitive: it holds the shared credentials. */
  uri: "app_uri",
  /** Each region's read-only endpoint (its CRDR standby nodes); empty ("" and 0) where that region serves none. */
  standby: {
    primary: { host: "app_standby_primary_host", port: "app_standby_primary_port" },
    recovery: { host: "app_standby_recovery_host", port: "app_standby_recovery_port" },
  } satisfies Record<PeerSide, { host: string; port: string }>,
} as const;

/** Every application output name, in a fixed order. */
export const APPLICATION_OUTPUT_NAMES: readonly string[] = [
  APPLICATION_OUTPUTS.host,
  APPLICATION_OUTPUTS.port,
  APPLICATION_OUTPUTS.uri,
  ...(["primary", "recovery"] as const).flatMap((side) => [APPLICATION_OUTPUTS.standby[side].host, APPLICATION_OUTPUTS.standby[side].port]),
];

/**
 * How Aiven marks the connection component of a peer's own CRDR standby
 * nodes: the `usage` the API (and the provider's `components` attribute and
 * `aiven_service_component` data source) give it.
 */
export const STANDBY_COMPONENT = { component: "pg", usage: "disaster_recovery", preferredRoute: "dynamic" } as const;
