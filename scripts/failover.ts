import { operationCommand, runOperation } from "../lib/cli/operation-command";
import { failover } from "../lib/operations/failover";

const program = operationCommand(
  "failover",
  "Fail a CRDR pair (--stack) or every pair whose primary is in a region (--region) over to its recovery region: trigger at Aiven, wait, reconcile Terraform state, record the phase, resynthesize.",
  "30m",
)
  .option("--primary-unreachable", "also forget the primary in Terraform state (its region is down)", false)
  .option("--state-only", "the failover was already done in the Console or CLI: verify and reconcile only", false)
  .option("--force", "fail over even when the recovery service is not a RUNNING passive peer, or the pair looks in transition", false);

type Extra = { primaryUnreachable: boolean; stateOnly: boolean; force: boolean };

runOperation<Extra>("failover", program, (common, opts, deps) =>
  failover({ ...common, primaryUnreachable: opts.primaryUnreachable, stateOnly: opts.stateOnly, force: opts.force }, deps),
);
