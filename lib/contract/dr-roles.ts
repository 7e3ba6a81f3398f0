/**
 * The roles Aiven gives the two services of a CRDR pair
 * (`disaster_recovery_role`): the words the phase file, the synthesized
 * config and the tooling share. Only a primary can be failed.
 */
export const DR_ROLES = ["active", "passive", "failed"] as const;
export type DrRole = (typeof DR_ROLES)[number];
