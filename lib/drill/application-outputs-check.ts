import { AivenService } from "../aiven/aiven-types";
import { applicationOutputList } from "../contract/pair-manifest";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { TerraformCommandRunner } from "../terraform/terraform-factory";
import { pushAppliedState } from "./applied-state";
import { OutputEvaluation } from "./output-evaluation";

/** The application outputs' values as `terraform output -json` reads them from state. */
export type ApplicationView = Record<string, { readonly value: unknown; readonly sensitive: boolean } | undefined>;

/**
 * Stands in for the apply that follows each DR step (see pushAppliedState),
 * then reads the stack's application outputs back with `terraform output`,
 * as an application would.
 */
export async function applyAndReadApplicationOutputs(
  terraform: TerraformCommandRunner,
  stack: SynthesizedStack,
  records: { primary?: AivenService; recovery?: AivenService },
  integrationId: string | undefined,
  evaluation: OutputEvaluation,
): Promise<ApplicationView> {
  await pushAppliedState(terraform, stack, records, integrationId, evaluation);
  const result = await terraform.run(["output", "-json", "-no-color"]);
  if (result.code !== 0)
    throw new Error(`"${terraform.describe(["output", "-json"])}" failed: ${(result.stderr || result.stdout).trim()}`);
  const outputs = JSON.parse(result.stdout) as ApplicationView;
  const names = stack.pair.applicationOutputs ? applicationOutputList(stack.pair.applicationOutputs) : [];
  return Object.fromEntries(names.map((name) => [name, outputs[name]]));
}

/**
 * What differs in the read-write outputs applications use (host, port, URI)
 * between two views, in words: a missing output, or a changed value (a
 * sensitive one is not shown).
 */
export function readWriteChanges(stack: SynthesizedStack, before: ApplicationView, after: ApplicationView): string[] {
  const names = stack.pair.applicationOutputs;
  if (!names) return ["the stack declares no application outputs"];
  return [names.host, names.port, names.uri].flatMap((name) => {
    const was = before[name];
    const now = after[name];
    if (!now) return [`the application output ${name} is missing from state`];
    if (JSON.stringify(now.value) === JSON.stringify(was?.value)) return [];
    return [
      now.sensitive
        ? `the application output ${name} changed`
        : `the application output ${name} changed from ${JSON.stringify(was?.value)} to ${JSON.stringify(now.value)}`,
    ];
  });
}
