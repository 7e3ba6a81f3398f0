import { ResolvedPairProps } from "../crdr-pair-props";
import { UserError } from "../../user-error";
import { DeclaredPair, FLEET_RULES } from "./fleet-rules";
import { PAIR_RULES } from "./pair-rules";

/** Every problem found, so a user can fix them all in one pass. */
export class CrdrValidationError extends UserError {
  constructor(readonly problems: readonly string[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the CRDR pair declarations:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "CrdrValidationError";
  }
}

export function pairProblems(props: ResolvedPairProps, label?: string): string[] {
  const prefix = label ? `${label}: ` : "";
  return PAIR_RULES.flatMap((rule) => rule.check(props)).map((p) => prefix + p);
}

export function fleetProblems(pairs: readonly DeclaredPair[]): string[] {
  const perPair = pairs.flatMap((p) => pairProblems(p.props, `pair "${p.stackName}"`));
  return [...perPair, ...FLEET_RULES.flatMap((rule) => rule.check(pairs))];
}

export function assertValid(problems: readonly string[]): void {
  if (problems.length) throw new CrdrValidationError(problems);
}
