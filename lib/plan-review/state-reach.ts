import { SynthesizedStack } from "../synth/synthesized-stack";

/**
 * Why a CI machine cannot plan this stack against its real state, or
 * undefined when it can try. Local state (the default when CRDR_BACKEND is
 * not set where the plan runs) is a git-ignored file on the operator's
 * machine: CI starts from an empty one, so every plan is create-only and
 * would pass. A copy committed with the pull request would be the author's
 * to forge.
 */
export function stateUnreachableFromCi(stack: SynthesizedStack): string | undefined {
  const backends = Object.keys(stack.json.terraform?.backend ?? {});
  if (backends.length && !backends.includes("local")) return undefined;
  return (
    `stack ${stack.name} keeps its state in a local file, which this CI machine does not have: its plan is against empty state, so every change looks like a create. ` +
    `Set the repository variable CRDR_BACKEND to the backend the pairs' state lives in, as docs/plan-review.md says under "Plan review in CI".`
  );
}
