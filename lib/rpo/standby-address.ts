import { AivenService } from "../aiven/aiven-types";

/** How to log in to a recovery service's own node to read its replication position. */
export interface StandbyAddress {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Never printed, journaled or put in an event. */
  readonly password: string;
  readonly database: string;
  /** As Aiven's `service_uri_params` says; Aiven requires `require`. */
  readonly sslmode: string;
  /** Which field of the service record gave the host and port, for the journal. */
  readonly from: string;
}

export type StandbyAddressResult =
  { readonly found: true; readonly address: StandbyAddress } | { readonly found: false; readonly reason: string };

/** The component routes to try, most direct first (a private or PrivateLink route needs that network). */
const ROUTES = ["dynamic", "public", undefined];

/**
 * The recovery's own PostgreSQL node, from its Aiven service record. The
 * peers share credentials and one service URI, which points at the active
 * service; so the host and port come from the recovery's own `pg` component
 * with `usage: "disaster_recovery"` when the record has one, else from its
 * `service_uri_params`. The credentials and sslmode come from
 * `service_uri_params`. Whatever is reached, the reading checks it is in
 * recovery before trusting it.
 */
export function standbyAddressOf(service: AivenService): StandbyAddressResult {
  const params = service.service_uri_params;
  if (!params?.user || !params.password) {
    return {
      found: false,
      reason: `the service record of ${service.service_name} carries no connection parameters (service_uri_params)`,
    };
  }
  const pg = (service.components ?? []).filter(
    (c) => c.component === "pg" && c.usage === "disaster_recovery" && c.host && c.port,
  );
  const component = ROUTES.map((route) => pg.find((c) => route === undefined || c.route === route)).find(Boolean);
  const host = component?.host ?? params.host;
  const port = component?.port ?? Number(params.port);
  if (!host || !Number.isInteger(port) || port <= 0) {
    return {
      found: false,
      reason: `the service record of ${service.service_name} names no host and port for its PostgreSQL node`,
    };
  }
  return {
    found: true,
    address: {
      host,
      port,
      user: params.user,
      password: params.password,
      database: params.dbname ?? "defaultdb",
      sslmode: params.sslmode ?? "require",
      from: component ? `components[usage=disaster_recovery, route=${component.route ?? "-"}]` : "service_uri_params",
    },
  };
}
