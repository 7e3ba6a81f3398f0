import { PgPgUserConfig } from "../../.gen/providers/aiven/pg";
import { PhaseRecord } from "../phase/phase-record";

/** A maintenance window, in UTC. */
export interface MaintenanceWindow {
  /** Day of the week, for example `sunday`. */
  readonly dow: string;
  /** Time of day as `HH:mm:ss`, for example `03:00:00`. */
  readonly time: string;
}

export interface PrimaryServiceProps {
  /** The primary service's name; it cannot change once created. */
  readonly serviceName: string;
  /** The primary's cloud region, for example `google-europe-west1`. */
  readonly cloudName: string;
  /** The Aiven plan, Startup or higher, for example `startup-4`. */
  readonly plan: string;
  /**
   * @default - Aiven chooses a window.
   */
  readonly maintenanceWindow?: MaintenanceWindow;
}

export interface RecoveryServiceProps {
  /**
   * @default - the primary's name followed by `-dr`.
   */
  readonly serviceName?: string;
  /** The recovery service's cloud region. It must differ from the primary's. */
  readonly cloudName: string;
  /**
   * @default - the primary's plan.
   */
  readonly plan?: string;
  /**
   * @default - the primary's maintenance window.
   */
  readonly maintenanceWindow?: MaintenanceWindow;
}

export interface CrdrPairProps {
  /** The Aiven project both services live in. */
  readonly project: string;
  readonly primary: PrimaryServiceProps;
  readonly recovery: RecoveryServiceProps;
  /**
   * PostgreSQL major version, for example `"16"`; set on both services.
   * @default - Aiven's current default version.
   */
  readonly pgVersion?: string;
  /**
   * Further `pg_user_config` settings, applied to both services so the
   * recovery service behaves like the primary after a failover. A `pgVersion`
   * given here is overridden by the `pgVersion` prop.
   * @default - none.
   */
  readonly pgUserConfig?: PgPgUserConfig;
  /**
   * Tags for both services.
   * @default - no tags.
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Aiven's termination protection on both services. Keep it on in production:
   * it is what stops a mistaken plan from deleting a database.
   * @default true
   */
  readonly terminationProtection?: boolean;
  /**
   * How long Terraform waits for a service to be created. The recovery
   * service stays REBUILDING until it has copied the primary's data, which can
   * take hours for large databases.
   * @default "6h"
   */
  readonly createTimeout?: string;
  /**
   * The pair's recovery-point objective: the longest stretch of the primary's
   * writes the team accepts losing in an unplanned failover, such as `"30s"`.
   * Before a failover the tooling measures it on the recovery's standby and
   * refuses above it (or when it cannot be measured) unless
   * `--accept-data-loss`; `--max-data-loss` overrides it for one run.
   * @default - none: the failover reports the measured figure and asks nothing more.
   */
  readonly maxDataLoss?: DataLossDuration;
  /**
   * The pair's priority in a region run: every role change of a tier-1 pair
   * is sent before any of tier 2, and so on. A whole number from 1 (most
   * important) to 9.
   * @default - no tier: after every pair that declares one.
   */
  readonly tier?: number;
  /**
   * The DR phase the pair is in, usually from the phase file.
   * @default - `normal`.
   */
  readonly phase?: PhaseRecord;
}

/** A duration such as "30s", "2m" or "500ms". */
export type DataLossDuration = `${number}${"ms" | "s" | "m" | "h"}`;

/** The props with every default filled in. */
export interface ResolvedPairProps {
  readonly project: string;
  readonly primary: Required<Omit<PrimaryServiceProps, "maintenanceWindow">> & {
    maintenanceWindow?: MaintenanceWindow;
  };
  readonly recovery: Required<Omit<RecoveryServiceProps, "maintenanceWindow">> & {
    maintenanceWindow?: MaintenanceWindow;
  };
  readonly pgVersion?: string;
  readonly pgUserConfig?: PgPgUserConfig;
  readonly tags: Readonly<Record<string, string>>;
  readonly terminationProtection: boolean;
  readonly createTimeout: string;
  readonly maxDataLoss?: DataLossDuration;
  readonly tier?: number;
  readonly phase: PhaseRecord;
}

export const DEFAULT_CREATE_TIMEOUT = "6h";
export const RECOVERY_NAME_SUFFIX = "-dr";
/** The tiers a pair may declare: 1 (most important) to `LOWEST_TIER`. */
export const LOWEST_TIER = 9;

export function resolvePairProps(props: CrdrPairProps): ResolvedPairProps {
  return {
    project: props.project,
    primary: { ...props.primary },
    recovery: {
      serviceName: props.recovery.serviceName ?? `${props.primary.serviceName}${RECOVERY_NAME_SUFFIX}`,
      cloudName: props.recovery.cloudName,
      plan: props.recovery.plan ?? props.primary.plan,
      maintenanceWindow: props.recovery.maintenanceWindow ?? props.primary.maintenanceWindow,
    },
    pgVersion: props.pgVersion,
    pgUserConfig: props.pgUserConfig,
    tags: props.tags ?? {},
    terminationProtection: props.terminationProtection ?? true,
    createTimeout: props.createTimeout ?? DEFAULT_CREATE_TIMEOUT,
    ...(props.maxDataLoss !== undefined ? { maxDataLoss: props.maxDataLoss } : {}),
    ...(props.tier !== undefined ? { tier: props.tier } : {}),
    phase: props.phase ?? { phase: "normal" },
  };
}
