import { LOWEST_TIER, ResolvedPairProps } from "../crdr-pair-props";
import { objectiveMillis } from "../../rpo/data-loss-objective";
import {
  CLOUD_NAME,
  GO_DURATION,
  MAINTENANCE_DAYS,
  MAINTENANCE_TIME,
  PG_VERSION,
  PLAN_FAMILIES_WITHOUT_CRDR,
  PLAN_NAME,
  planFamily,
  PROJECT_NAME,
  SERVICE_NAME,
  TAG_KEY,
  TAG_VALUE_MAX,
} from "./aiven-naming";

/**
 * One validation rule for a single pair. `check` returns the problems it
 * finds, each one sentence naming the value received and the fix.
 */
export interface PairRule {
  readonly id: string;
  readonly check: (props: ResolvedPairProps) => string[];
}

type Side = "primary" | "recovery";
const SIDES: Side[] = ["primary", "recovery"];

function show(value: unknown): string {
  return value === undefined ? "undefined" : JSON.stringify(value);
}

function blank(value: unknown): boolean {
  return typeof value !== "string" || value.trim() === "";
}

/**
 * Builds a rule that checks one field on the primary and the recovery side. A
 * recovery value equal to the primary's (usually inherited as the default) is
 * not reported a second time.
 */
function perSide(
  id: string,
  field: "serviceName" | "cloudName" | "plan" | "maintenanceWindow",
  check: (side: Side, props: ResolvedPairProps) => string | undefined,
): PairRule {
  return {
    id,
    check: (props) =>
      SIDES.filter(
        (side) => side === "primary" || JSON.stringify(props.recovery[field]) !== JSON.stringify(props.primary[field]),
      )
        .map((side) => check(side, props))
        .filter((m): m is string => m !== undefined),
  };
}

export const PAIR_RULES: readonly PairRule[] = [
  {
    id: "project-name",
    check: ({ project }) =>
      blank(project)
        ? [`project is empty; set it to your Aiven project name (cdktf.json context "aivenProject" or AIVEN_PROJECT).`]
        : PROJECT_NAME.test(project)
          ? []
          : [`project ${show(project)} is not a valid Aiven project name; use 1 to 63 letters, digits, "_" or "-".`],
  },
  perSide("service-name", "serviceName", (side, props) => {
    const name = props[side].serviceName;
    if (blank(name)) return `${side}.serviceName is empty; give the ${side} service a name.`;
    if (!SERVICE_NAME.test(name)) {
      return `${side}.serviceName ${show(name)} is not a valid Aiven service name; start with a lowercase letter and use only lowercase letters, digits and "-", 64 characters at most.`;
    }
    return undefined;
  }),
  {
    id: "distinct-service-names",
    check: ({ primary, recovery }) =>
      primary.serviceName === recovery.serviceName
        ? [
            `recovery.serviceName ${show(recovery.serviceName)} is the primary's name too; give the recovery service its own name (the default is the primary's name plus "-dr").`,
          ]
        : [],
  },
  perSide("cloud-name", "cloudName", (side, props) => {
    const cloud = props[side].cloudName;
    if (blank(cloud)) return `${side}.cloudName is empty; set it to an Aiven cloud such as "google-europe-west1".`;
    if (!CLOUD_NAME.test(cloud)) {
      return `${side}.cloudName ${show(cloud)} is not an Aiven cloud name; use "<provider>-<region>", for example "google-europe-west1".`;
    }
    return undefined;
  }),
  {
    id: "distinct-regions",
    check: ({ primary, recovery }) =>
      !blank(recovery.cloudName) && primary.cloudName === recovery.cloudName
        ? [
            `recovery.cloudName ${show(recovery.cloudName)} is the primary's region; put the recovery service in another region.`,
          ]
        : [],
  },
  perSide("plan-name", "plan", (side, props) => {
    const plan = props[side].plan;
    if (blank(plan)) return `${side}.plan is empty; choose a Startup plan or higher, for example "startup-4".`;
    if (!PLAN_NAME.test(plan)) {
      return `${side}.plan ${show(plan)} is not an Aiven plan name; use a name like "startup-4" or "business-8".`;
    }
    return undefined;
  }),
  perSide("plan-supports-crdr", "plan", (side, props) => {
    const plan = props[side].plan;
    if (blank(plan) || !PLAN_FAMILIES_WITHOUT_CRDR.includes(planFamily(plan))) return undefined;
    return `${side}.plan ${show(plan)} does not support cross-region disaster recovery; choose a Startup plan or higher, for example "startup-4".`;
  }),
  perSide("maintenance-window", "maintenanceWindow", (side, props) => {
    const window = props[side].maintenanceWindow;
    if (!window) return undefined;
    const problems: string[] = [];
    if (!MAINTENANCE_DAYS.includes(window.dow))
      problems.push(`dow ${show(window.dow)} is not a weekday name (use "monday" … "sunday")`);
    if (!MAINTENANCE_TIME.test(window.time ?? "")) problems.push(`time ${show(window.time)} is not "HH:mm:ss" in UTC`);
    return problems.length ? `${side}.maintenanceWindow ${problems.join(" and ")}; fix the window.` : undefined;
  }),
  {
    id: "pg-version",
    check: ({ pgVersion }) =>
      pgVersion === undefined || PG_VERSION.test(pgVersion)
        ? []
        : [`pgVersion ${show(pgVersion)} is not a PostgreSQL major version; use a string such as "16".`],
  },
  {
    id: "create-timeout",
    check: ({ createTimeout }) =>
      GO_DURATION.test(createTimeout)
        ? []
        : [`createTimeout ${show(createTimeout)} is not a Terraform duration; use a value such as "6h" or "90m".`],
  },
  {
    id: "max-data-loss",
    check: ({ maxDataLoss }) =>
      maxDataLoss === undefined || objectiveMillis(maxDataLoss) !== undefined
        ? []
        : [
            `maxDataLoss ${show(maxDataLoss)} is not a duration; use a positive value such as "30s", "2m" or "500ms", or leave it out to only report the figure.`,
          ],
  },
  {
    id: "tier",
    check: ({ tier }) =>
      tier === undefined || (Number.isInteger(tier) && tier >= 1 && tier <= LOWEST_TIER)
        ? []
        : [
            `tier ${show(tier)} is not a priority tier; use a whole number from 1 (most important) to ${LOWEST_TIER}, or leave it unset to go after every tiered pair.`,
          ],
  },
  {
    id: "tags",
    check: ({ tags }) =>
      Object.entries(tags).flatMap(([key, value]) => {
        if (!TAG_KEY.test(key))
          return [`tag key ${show(key)} is not valid; use 1 to 64 letters, digits, "_", ".", ":" or "-".`];
        if (typeof value !== "string" || value.length > TAG_VALUE_MAX) {
          return [`tag ${show(key)} has value ${show(value)}; use a string of at most ${TAG_VALUE_MAX} characters.`];
        }
        return [];
      }),
  },
];
