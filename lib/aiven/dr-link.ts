import { AivenServiceIntegration } from "./aiven-types";

/** The two service names of a pair, primary first. */
export interface PairNames {
  readonly primary: { readonly serviceName: string };
  readonly recovery: { readonly serviceName: string };
}

/**
 * The pair's DR link among `integrations`: the `disaster_recovery`
 * integration between its two services, in either direction, since it is
 * unknown whether Aiven swaps the ends when the active role moves.
 */
export function findDrLink(
  integrations: readonly AivenServiceIntegration[] | undefined,
  pair: PairNames,
): AivenServiceIntegration | undefined {
  const primary = pair.primary.serviceName;
  const recovery = pair.recovery.serviceName;
  return (integrations ?? []).find(
    (i) =>
      isDrLink(i) &&
      ((i.source_service === primary && i.dest_service === recovery) ||
        (i.source_service === recovery && i.dest_service === primary)),
  );
}

/** Whether an integration is a disaster_recovery link at all. */
export function isDrLink(integration: Pick<AivenServiceIntegration, "integration_type">): boolean {
  return integration.integration_type === "disaster_recovery";
}
