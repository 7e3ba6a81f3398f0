import { AivenService } from "../aiven/aiven-types";

/** The aiven_pg attributes the provider marks sensitive, among those filled here. */
export const PG_SENSITIVE_ATTRIBUTES = ["service_uri", "service_password"] as const;

/**
 * The connection attributes the aiven provider stores for an `aiven_pg` after
 * reading this service record (terraform-provider-aiven's service read):
 * `service_uri` as given, `service_host`/`service_port`/`service_username`/
 * `service_password` from `service_uri_params` (the port parsed as a number),
 * and `components` flattened with `connection_uri` = "host:port", `ssl`
 * defaulting to true and empty strings for fields the API left out. For
 * rehearsal states only: a real apply is what writes these.
 */
export function pgConnectionAttributes(service: AivenService): Record<string, unknown> {
  const params = service.service_uri_params ?? {};
  const port = Number.parseInt(String(params.port ?? ""), 10);
  return {
    state: service.state,
    service_uri: service.service_uri ?? "",
    service_host: params.host ?? "",
    service_port: Number.isFinite(port) ? port : 0,
    service_username: params.user ?? "",
    service_password: params.password ?? "",
    components: (service.components ?? []).map((c) => ({
      component: c.component,
      host: c.host ?? "",
      port: c.port ?? 0,
      connection_uri: `${c.host ?? ""}:${c.port ?? 0}`,
      kafka_authentication_method: "",
      kafka_ssl_ca: "",
      route: c.route ?? "",
      ssl: true,
      usage: c.usage ?? "",
      privatelink_connection_id: "",
    })),
  };
}
