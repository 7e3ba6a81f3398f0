import { AivenService } from "../aiven/aiven-types";
import { Peers } from "../aiven/peer-status";
import { standbyEndpointOf } from "../aiven/standby-component";
import { PairManifest, PEER_SIDES, PeerSide } from "../contract/pair-manifest";

/**
 * Where applications point, from Aiven's answer: the shared read-write
 * endpoint (host:port only, never the URI: it holds the password), which peer
 * serves it now (the active one), and each region's read-only endpoint.
 */
export interface ApplicationEndpointReport {
  /** The stack output applications read it from; absent when the stack was synthesized without application outputs. */
  readonly output?: string;
  /** host:port of the shared Service URI; absent when no peer could be read. */
  readonly readWrite?: string;
  /** The peer the shared endpoint serves now: the one Aiven says is active; absent when none is. */
  readonly servedBy?: PeerSide;
  /** Each readable region's read-only (CRDR standby) endpoint, host:port. */
  readonly readOnly: Partial<Record<PeerSide, string>>;
}

export interface ApplicationEndpointCheck {
  readonly report: ApplicationEndpointReport;
  /** Set when the peers show different Service URIs: the application outputs assume one shared URI. */
  readonly problem?: string;
}

const sharedEndpoint = (s: AivenService) =>
  s.service_uri_params?.host ? `${s.service_uri_params.host}:${s.service_uri_params.port ?? "?"}` : undefined;

export function checkApplicationEndpoint(pair: PairManifest, peers: Peers): ApplicationEndpointCheck {
  const services: Partial<Record<PeerSide, AivenService>> = {};
  for (const side of PEER_SIDES) {
    const peer = peers[side];
    if (peer.reachable) services[side] = peer.service;
  }
  const shared = {
    primary: services.primary && sharedEndpoint(services.primary),
    recovery: services.recovery && sharedEndpoint(services.recovery),
  };
  const readOnly: Partial<Record<PeerSide, string>> = {};
  for (const side of PEER_SIDES) {
    const service = services[side];
    // A failed peer's nodes are gone, whatever its record still lists.
    const endpoint = service && service.disaster_recovery_role !== "failed" ? standbyEndpointOf(service) : undefined;
    if (endpoint) readOnly[side] = endpoint;
  }
  // The recovery service's, as the application outputs read it (the primary's when it cannot be read).
  const readWrite = shared.recovery ?? shared.primary;
  const servedBy = PEER_SIDES.find((side) => services[side]?.disaster_recovery_role === "active");
  const report: ApplicationEndpointReport = {
    ...(pair.applicationOutputs ? { output: pair.applicationOutputs.uri } : {}),
    ...(readWrite ? { readWrite } : {}),
    ...(servedBy ? { servedBy } : {}),
    readOnly,
  };
  if (!shared.primary || !shared.recovery || shared.primary === shared.recovery) return { report };
  return {
    report,
    problem: `the peers show different Service URIs (primary ${shared.primary}, recovery ${shared.recovery}), but applications read the recovery service's; point them at the active peer's until Aiven shows one shared URI`,
  };
}
