import { PhaseRecord } from "../phase/phase-record";
import { ResourceLayout } from "../phase/phase-layout";

/**
 * The pair's self-description, synthesized into its stack's `cdk.tf.json`
 * under the top-level `"//"` key (which Terraform ignores). The operational
 * scripts read names and Terraform addresses from here and from the resources
 * beside it, never from a second copy.
 */
export interface PairManifest {
  readonly version: 1;
  readonly stack: string;
  readonly project: string;
  readonly phase: PhaseRecord;
  /** The declared priority tier (1 first); absent when the pair declares none, and then it goes last. */
  readonly tier?: number;
  readonly primary: PeerManifest;
  readonly recovery: PeerManifest;
  readonly integration: IntegrationManifest;
  /** The pair's recovery-point objective (`maxDataLoss`, such as "30s"), when declared. */
  readonly maxDataLoss?: string;
  /** The outputs applications read, declared in every phase. Absent in stacks synthesized before they existed. */
  readonly applicationOutputs?: ApplicationOutputNames;
}

/** The names of a pair's application outputs (see lib/pair/application-outputs.ts). */
export interface ApplicationOutputNames {
  /** The read-write endpoint: the pair's shared Service URI, which Aiven points at the active peer. */
  readonly host: string;
  readonly port: string;
  /** Sensitive: it holds the shared credentials. */
  readonly uri: string;
  /** Each region's read-only endpoint (its CRDR standby nodes); "" and 0 where that region serves none. */
  readonly standby: Readonly<Record<PeerSide, { readonly host: string; readonly port: string }>>;
}

/** Every application output name, in a fixed order. */
export function applicationOutputList(names: ApplicationOutputNames): string[] {
  return [
    names.host,
    names.port,
    names.uri,
    ...PEER_SIDES.flatMap((side) => [names.standby[side].host, names.standby[side].port]),
  ];
}

export interface PeerManifest {
  readonly serviceName: string;
  readonly cloudName: string;
  readonly plan: string;
  /** The Terraform address, such as `aiven_pg.primary`, whether or not it is declared in this phase. */
  readonly address: string;
  readonly layout: ResourceLayout;
}

export interface IntegrationManifest {
  readonly integrationType: "disaster_recovery";
  readonly address: string;
  readonly layout: ResourceLayout;
}

/** Where the manifest sits in `cdk.tf.json`: `json["//"][PAIR_MANIFEST_KEY]`. */
export const PAIR_MANIFEST_KEY = "crdr";

/** Where the stack records the setting inputs it was synthesized with: `json["//"][SETTINGS_FINGERPRINT_KEY]`. */
export const SETTINGS_FINGERPRINT_KEY = "crdr_settings";

/** The two services of a pair. */
export type PeerSide = "primary" | "recovery";
export const PEER_SIDES: readonly PeerSide[] = ["primary", "recovery"];

/** Where a pair goes in a region run's order: its tier, or after every tier when it declares none. */
export function tierRank(pair: Pick<PairManifest, "tier">): number {
  return pair.tier ?? Number.POSITIVE_INFINITY;
}

/** "tier 1", or "no tier". */
export function tierLabel(tier: number | undefined): string {
  return tier === undefined ? "no tier" : `tier ${tier}`;
}
