/**
 * Aiven's naming rules, as the Aiven API enforces them.
 *
 * - Service names: a lowercase letter, then lowercase letters, digits or
 *   hyphens, 64 characters at most. The name is part of the service's DNS
 *   host, so it cannot change.
 * - Project names: letters, digits, `_` and `-`, 63 characters at most.
 * - Clouds: `<provider>-<region>`, for example `google-europe-west1`.
 * - Plans: lowercase letters, digits, `-` and `_`, for example `startup-4`.
 */
export const SERVICE_NAME = /^[a-z][-a-z0-9]{0,63}$/;
export const PROJECT_NAME = /^[a-zA-Z0-9_-]{1,63}$/;
export const CLOUD_NAME = /^[a-z]+-[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const PLAN_NAME = /^[a-z0-9][a-z0-9_-]*$/;
export const PG_VERSION = /^[0-9]{2,}$/;
export const MAINTENANCE_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
export const MAINTENANCE_TIME = /^(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$/;
/** Terraform's timeout strings are Go durations, for example `90m` or `6h`. */
export const GO_DURATION = /^(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+$/;
export const TAG_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
export const TAG_VALUE_MAX = 64;

export { PLAN_FAMILIES_WITHOUT_CRDR, planFamily } from "../../aiven/crdr-plans";
