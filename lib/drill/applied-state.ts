import { AivenService } from "../aiven/aiven-types";
import { PeerSide, PEER_SIDES } from "../contract/pair-manifest";
import { SynthesizedStack } from "../synth/synthesized-stack";
import { TerraformRunner } from "../terraform/terraform-runner";
import { evaluateOutputs, OutputEvaluation, StateObject } from "./output-evaluation";
import { PG_SENSITIVE_ATTRIBUTES, pgConnectionAttributes } from "./provider-read";
import { pushRehearsalState } from "./rehearsal-state";

/**
 * Pushes the state an apply of `stack` would leave: every service the stack
 * declares, with the attributes the provider reads from its Aiven record; the
 * DR integration when declared (and its id known); and the root outputs,
 * evaluated by Terraform from the stack's own output expressions. For drills
 * and tests, where no provider can run.
 */
export async function pushAppliedState(
  terraform: TerraformRunner,
  stack: SynthesizedStack,
  records: Partial<Record<PeerSide, AivenService>>,
  integrationId: string | undefined,
  evaluation: OutputEvaluation,
): Promise<void> {
  const pair = stack.pair;
  const declared = (side: PeerSide) => !!stack.resource(pair[side].address) && !!records[side];
  const attributes: Partial<Record<PeerSide, Record<string, unknown>>> = {};
  const objects: StateObject[] = [];
  for (const side of PEER_SIDES) {
    if (!declared(side)) continue;
    attributes[side] = pgConnectionAttributes(records[side]!);
    objects.push({
      address: pair[side].address,
      attributes: { service_name: pair[side].serviceName, ...attributes[side] },
      sensitive: PG_SENSITIVE_ATTRIBUTES,
    });
  }
  const outputs = await evaluateOutputs(stack.json.output ?? {}, objects, evaluation);
  const linked = stack.resource(pair.integration.address) ? integrationId : undefined;
  await pushRehearsalState(
    terraform,
    pair,
    { primary: declared("primary"), recovery: declared("recovery"), integrationId: linked },
    { attributes, sensitive: PG_SENSITIVE_ATTRIBUTES, outputs },
  );
}
