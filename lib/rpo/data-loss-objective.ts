import ms, { StringValue } from "ms";
import { PairManifest } from "../contract/pair-manifest";
import { DataLossObjective } from "./data-loss-guard";

const FORM = /^\d+(?:\.\d+)?(?:ms|s|m|h)$/;

/** The objective's milliseconds, or undefined when `text` is not a positive duration such as "30s". */
export function objectiveMillis(text: string): number | undefined {
  if (typeof text !== "string" || !FORM.test(text)) return undefined;
  const millis = ms(text as StringValue);
  return Number.isFinite(millis) && millis > 0 ? millis : undefined;
}

/** The objective a run applies: `--max-data-loss` when given, else the pair's `maxDataLoss` from its manifest, else none. */
export function objectiveFor(pair: PairManifest, overrideMs: number | undefined): DataLossObjective | undefined {
  if (overrideMs !== undefined) return { maxMs: overrideMs, source: "--max-data-loss" };
  if (pair.maxDataLoss === undefined) return undefined;
  const maxMs = objectiveMillis(pair.maxDataLoss);
  // Synth validated it; a hand-edited cdk.tf.json is the only way here.
  if (maxMs === undefined)
    throw new Error(
      `the manifest of ${pair.stack} holds maxDataLoss ${JSON.stringify(pair.maxDataLoss)}, which synth would have refused; run npm run synth`,
    );
  return { maxMs, source: `the pair's maxDataLoss` };
}
