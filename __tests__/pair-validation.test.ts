import { Testing } from "cdktf";
import { CrdrPair } from "../lib/pair/crdr-pair";
import { CrdrPairProps, resolvePairProps } from "../lib/pair/crdr-pair-props";
import { FLEET_RULES } from "../lib/pair/validation/fleet-rules";
import { PAIR_RULES } from "../lib/pair/validation/pair-rules";
import { CrdrValidationError, fleetProblems, pairProblems } from "../lib/pair/validation/validate";
import { examplePairProps } from "./support/example-pair";

function problemsOf(props: CrdrPairProps): string[] {
  return pairProblems(resolvePairProps(props));
}

function ruleProblems(id: string, props: CrdrPairProps): string[] {
  const rule = PAIR_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule.check(resolvePairProps(props));
}

const primary = examplePairProps().primary;

describe("pair validation rules", () => {
  it("accepts the example pair", () => {
    expect(problemsOf(examplePairProps())).toEqual([]);
  });

  it("accepts a recovery-point objective given as a duration", () => {
    expect(problemsOf(examplePairProps({ maxDataLoss: "30s" }))).toEqual([]);
    expect(problemsOf(examplePairProps({ maxDataLoss: "500ms" }))).toEqual([]);
  });

  it("accepts every tier from 1 to 9, and none", () => {
    for (const tier of [1, 5, 9, undefined]) expect(problemsOf(examplePairProps({ tier }))).toEqual([]);
  });

  // Each case: rule id, a non-compliant pair, the message expected.
  const cases: Array<[string, CrdrPairProps, string]> = [
    [
      "project-name",
      examplePairProps({ project: "" }),
      `project is empty; set it to your Aiven project name (cdktf.json context "aivenProject" or AIVEN_PROJECT).`,
    ],
    [
      "project-name",
      examplePairProps({ project: "my project!" }),
      `project "my project!" is not a valid Aiven project name; use 1 to 63 letters, digits, "_" or "-".`,
    ],
    [
      "service-name",
      examplePairProps({ primary: { ...primary, serviceName: "PG_Primary" } }),
      `primary.serviceName "PG_Primary" is not a valid Aiven service name; start with a lowercase letter and use only lowercase letters, digits and "-", 64 characters at most.`,
    ],
    [
      "service-name",
      examplePairProps({ recovery: { serviceName: "1-dr", cloudName: "google-europe-north1" } }),
      `recovery.serviceName "1-dr" is not a valid Aiven service name; start with a lowercase letter and use only lowercase letters, digits and "-", 64 characters at most.`,
    ],
    [
      "service-name",
      examplePairProps({ primary: { ...primary, serviceName: "p" + "g".repeat(64) } }),
      `primary.serviceName "p${"g".repeat(64)}" is not a valid Aiven service name; start with a lowercase letter and use only lowercase letters, digits and "-", 64 characters at most.`,
    ],
    [
      "distinct-service-names",
      examplePairProps({ recovery: { serviceName: "pg-primary", cloudName: "google-europe-north1" } }),
      `recovery.serviceName "pg-primary" is the primary's name too; give the recovery service its own name (the default is the primary's name plus "-dr").`,
    ],
    [
      "cloud-name",
      examplePairProps({ recovery: { cloudName: "" } }),
      `recovery.cloudName is empty; set it to an Aiven cloud such as "google-europe-west1".`,
    ],
    [
      "cloud-name",
      examplePairProps({ recovery: { cloudName: "europe north" } }),
      `recovery.cloudName "europe north" is not an Aiven cloud name; use "<provider>-<region>", for example "google-europe-west1".`,
    ],
    [
      "distinct-regions",
      examplePairProps({ recovery: { cloudName: "google-europe-west1" } }),
      `recovery.cloudName "google-europe-west1" is the primary's region; put the recovery service in another region.`,
    ],
    [
      "plan-name",
      examplePairProps({ primary: { ...primary, plan: "Startup 4" } }),
      `primary.plan "Startup 4" is not an Aiven plan name; use a name like "startup-4" or "business-8".`,
    ],
    [
      "plan-supports-crdr",
      examplePairProps({ primary: { ...primary, plan: "hobbyist" } }),
      `primary.plan "hobbyist" does not support cross-region disaster recovery; choose a Startup plan or higher, for example "startup-4".`,
    ],
    [
      "plan-supports-crdr",
      examplePairProps({ recovery: { cloudName: "google-europe-north1", plan: "free-1" } }),
      `recovery.plan "free-1" does not support cross-region disaster recovery; choose a Startup plan or higher, for example "startup-4".`,
    ],
    [
      "plan-supports-crdr",
      examplePairProps({ primary: { ...primary, plan: "developer-1" } }),
      `primary.plan "developer-1" does not support cross-region disaster recovery; choose a Startup plan or higher, for example "startup-4".`,
    ],
    [
      "maintenance-window",
      examplePairProps({ primary: { ...primary, maintenanceWindow: { dow: "sun", time: "25:00" } } }),
      `primary.maintenanceWindow dow "sun" is not a weekday name (use "monday" … "sunday") and time "25:00" is not "HH:mm:ss" in UTC; fix the window.`,
    ],
    [
      "pg-version",
      examplePairProps({ pgVersion: "sixteen" }),
      `pgVersion "sixteen" is not a PostgreSQL major version; use a string such as "16".`,
    ],
    [
      "create-timeout",
      examplePairProps({ createTimeout: "6 hours" }),
      `createTimeout "6 hours" is not a Terraform duration; use a value such as "6h" or "90m".`,
    ],
    [
      "max-data-loss",
      examplePairProps({ maxDataLoss: "30 seconds" as never }),
      `maxDataLoss "30 seconds" is not a duration; use a positive value such as "30s", "2m" or "500ms", or leave it out to only report the figure.`,
    ],
    [
      "max-data-loss",
      examplePairProps({ maxDataLoss: "0s" }),
      `maxDataLoss "0s" is not a duration; use a positive value such as "30s", "2m" or "500ms", or leave it out to only report the figure.`,
    ],
    [
      "tier",
      examplePairProps({ tier: 0 }),
      `tier 0 is not a priority tier; use a whole number from 1 (most important) to 9, or leave it unset to go after every tiered pair.`,
    ],
    [
      "tier",
      examplePairProps({ tier: 1.5 }),
      `tier 1.5 is not a priority tier; use a whole number from 1 (most important) to 9, or leave it unset to go after every tiered pair.`,
    ],
    [
      "tier",
      examplePairProps({ tier: 10 }),
      `tier 10 is not a priority tier; use a whole number from 1 (most important) to 9, or leave it unset to go after every tiered pair.`,
    ],
    [
      "tags",
      examplePairProps({ tags: { "bad key": "x" } }),
      `tag key "bad key" is not valid; use 1 to 64 letters, digits, "_", ".", ":" or "-".`,
    ],
    [
      "tags",
      examplePairProps({ tags: { team: "x".repeat(65) } }),
      `tag "team" has value "${"x".repeat(65)}"; use a string of at most 64 characters.`,
    ],
  ];

  it.each(cases)("%s refuses a bad value with a message naming it and the fix", (id, props, message) => {
    expect(ruleProblems(id, props)).toContain(message);
    expect(problemsOf(props)).toContain(message);
  });

  it("has a refusing case above for every rule in the table", () => {
    expect(new Set(cases.map(([id]) => id))).toEqual(new Set(PAIR_RULES.map((r) => r.id)));
  });

  it("reports every problem of a pair at once, in one error", () => {
    const props = examplePairProps({
      project: "",
      primary: { serviceName: "Bad", cloudName: "google-europe-west1", plan: "hobbyist" },
      recovery: { cloudName: "google-europe-west1" },
    });
    let error: unknown;
    try {
      Testing.synthScope((scope) => new CrdrPair(scope, "pair", props));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CrdrValidationError);
    const problems = (error as CrdrValidationError).problems;
    expect(problems).toHaveLength(5);
    expect((error as Error).message).toMatch(/^5 problems in the CRDR pair declarations:/);
  });
});

describe("fleet validation rules", () => {
  const pair = (stackName: string, props: CrdrPairProps) => ({ stackName, props: resolvePairProps(props) });

  it("accepts pairs with distinct stacks and services", () => {
    const other = examplePairProps({
      primary: { serviceName: "orders", cloudName: "aws-eu-west-1", plan: "startup-4" },
      recovery: { cloudName: "aws-eu-central-1" },
    });
    expect(fleetProblems([pair("pg-primary", examplePairProps()), pair("orders", other)])).toEqual([]);
  });

  it("refuses a service name declared by two pairs of one project", () => {
    const clash = examplePairProps({
      primary: { serviceName: "orders", cloudName: "aws-eu-west-1", plan: "startup-4" },
      recovery: { serviceName: "pg-primary-dr", cloudName: "aws-eu-central-1" },
    });
    expect(fleetProblems([pair("pg-primary", examplePairProps()), pair("orders", clash)])).toEqual([
      `service "pg-primary-dr" in project "crdr-test" is declared by more than one pair; every service name in a project must be unique.`,
    ]);
  });

  it("allows the same service name in different projects", () => {
    const elsewhere = examplePairProps({ project: "other-project" });
    expect(fleetProblems([pair("a", examplePairProps()), pair("b", elsewhere)])).toEqual([]);
  });

  it("refuses two pairs with the same stack name", () => {
    const other = examplePairProps({ project: "other-project" });
    expect(fleetProblems([pair("pg", examplePairProps()), pair("pg", other)])).toContain(
      `stack name "pg" is used by more than one pair; give each pair its own stackName.`,
    );
  });

  it("refuses a stack name that cannot be a folder", () => {
    expect(fleetProblems([pair("../pg", examplePairProps())])).toContain(
      `stack name "../pg" is not usable as a directory and Terraform workspace name; use letters, digits, "_" and "-", starting with a letter.`,
    );
  });

  it("prefixes per-pair problems with the pair they belong to", () => {
    const bad = examplePairProps({ recovery: { cloudName: "google-europe-west1" } });
    expect(fleetProblems([pair("pg-primary", bad)])).toEqual([
      `pair "pg-primary": recovery.cloudName "google-europe-west1" is the primary's region; put the recovery service in another region.`,
    ]);
  });

  it("every fleet rule is exercised", () => {
    expect(FLEET_RULES.map((r) => r.id).sort()).toEqual([
      "stack-name-format",
      "unique-service-names",
      "unique-stack-names",
    ]);
  });
});
