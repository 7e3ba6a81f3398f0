import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { CrdrPairStack } from "../../lib/pair/crdr-pair-stack";
import { PhaseRecord } from "../../lib/phase/phase-record";
import { examplePairProps } from "./example-pair";

/** The phases a pair's stack is synthesized in, as the phase file records them. */
export const PHASES: Record<string, PhaseRecord> = {
  normal: { phase: "normal" },
  "failed-over, primary frozen": { phase: "failed-over", primary: "frozen" },
  "failed-over, primary forgotten": { phase: "failed-over", primary: "forgotten" },
  "switched-over": { phase: "switched-over" },
  "after a revert with pending imports": {
    phase: "normal",
    operation: "revert",
    pendingImports: [
      { address: "aiven_pg.primary", id: "crdr-test/pg-primary" },
      { address: "aiven_service_integration.disaster_recovery", id: "crdr-test/abc-123" },
    ],
  },
};

/** The example pair's stack (pg-primary) in `phase`, as its cdk.tf.json reads, "//" metadata included. */
export function synthPairStack(phase: PhaseRecord): any {
  const stack = new CrdrPairStack(Testing.app(), "pg-primary", {
    pair: examplePairProps({ phase }),
    backend: { type: "local" },
    projectDir: "/project",
    outdir: "cdktf.out",
  });
  const outdir = Testing.fullSynth(stack);
  try {
    return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "pg-primary", "cdk.tf.json"), "utf8"));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
