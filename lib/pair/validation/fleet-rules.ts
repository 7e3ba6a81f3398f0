import { STACK_NAME } from "../../stack-name";
import { ResolvedPairProps } from "../crdr-pair-props";

/** A declared pair as the fleet rules see it. */
export interface DeclaredPair {
  readonly stackName: string;
  readonly props: ResolvedPairProps;
}

export interface FleetRule {
  readonly id: string;
  readonly check: (pairs: readonly DeclaredPair[]) => string[];
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

/** Rules across all declared pairs. */
export const FLEET_RULES: readonly FleetRule[] = [
  {
    id: "unique-stack-names",
    check: (pairs) =>
      duplicates(pairs.map((p) => p.stackName)).map(
        (name) => `stack name "${name}" is used by more than one pair; give each pair its own stackName.`,
      ),
  },
  {
    id: "stack-name-format",
    check: (pairs) =>
      pairs
        .filter((p) => !STACK_NAME.test(p.stackName))
        .map(
          (p) =>
            `stack name "${p.stackName}" is not usable as a directory and Terraform workspace name; use letters, digits, "_" and "-", starting with a letter.`,
        ),
  },
  {
    id: "unique-service-names",
    check: (pairs) => {
      const names = pairs.flatMap((p) => [
        `${p.props.project}/${p.props.primary.serviceName}`,
        `${p.props.project}/${p.props.recovery.serviceName}`,
      ]);
      return duplicates(names).map(
        (qualified) =>
          `service "${qualified.split("/")[1]}" in project "${qualified.split("/")[0]}" is declared by more than one pair; every service name in a project must be unique.`,
      );
    },
  },
];
