import { operationCommand, runOperation } from "../lib/cli/operation-command";
import { parseDuration } from "../lib/duration";
import { failover } from "../lib/operations/failover";

const program = operationCommand(
  "failover",
  "Fail a CRDR pair (--stack) or every pair whose primary is in a region (--region) over to its recovery region: trigger at Aiven, wait, reconcile Terraform state, record the phase, resynthesize.",
  "30m",
)
  .option("--primary-unreachable", "also forget the primary in Terraform state (its region is down)", false)
  .option("--state-only", "the failover was already done in the Console or CLI: verify and reconcile only", false)
  .option("--force", "fail over even when the recovery service is not a RUNNING passive peer, or the pair looks in transition", false)
  .option("--max-data-loss <duration>", "the recovery-point objective for this run, overriding the pair's maxDataLoss (such as 30s)")
  .option("--accept-data-loss", "fail over even when the data at risk is above the objective or cannot be measured (journaled with the figure)", false);

type Extra = { primaryUnreachable: boolean; stateOnly: boolean; force: boolean; maxDataLoss?: string; acceptDataLoss: boolean };

runOperation<Extra>("failover", program, (common, opts, deps) =>
  failover(
    {
      ...common,
      primaryUnreachable: opts.primaryUnreachable,
      stateOnly: opts.stateOnly,
      force: opts.force,
      maxDataLossMs: opts.maxDataLoss === undefined ? undefined : parseDuration(opts.maxDataLoss, "--max-data-loss"),
      acceptDataLoss: opts.acceptDataLoss,
    },
    deps,
  ),
);
