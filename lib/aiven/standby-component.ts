import { AivenService } from "./aiven-types";

/**
 * How Aiven marks the connection component of a CRDR peer's own standby
 * (read-only) nodes in a service's `components`: the `usage` the API, the
 * provider's `components` attribute and its `aiven_service_component` data
 * source all know. The `dynamic` route is preferred where a service lists
 * several (public, private).
 */
export const STANDBY_COMPONENT = { component: "pg", usage: "disaster_recovery", preferredRoute: "dynamic" } as const;

/** The peer's own standby endpoint as "host:port", if its record shows one. */
export function standbyEndpointOf(service: AivenService): string | undefined {
  const standby = (service.components ?? []).filter(
    (c) => c.component === STANDBY_COMPONENT.component && c.usage === STANDBY_COMPONENT.usage && c.host,
  );
  const pick = standby.find((c) => c.route === STANDBY_COMPONENT.preferredRoute) ?? standby[0];
  return pick ? `${pick.host}:${pick.port ?? "?"}` : undefined;
}
