import { operationCommand, runOperation } from "../lib/cli/operation-command";
import { failover } from "../lib/operations/failover";

const program = operationCommand(
  "failover",
  "Fail a CRDR pair over to its recovery region: trigger at Aiven, wait, reconcile Terraform state, record the phase, resynthesize.",
  "30m",
)
  .option("--primary-unreachable", "also forget the primary in Terraform state (its region is down)", false)
  .option("--state-only", "the failover was already done in the Console or CLI: verify and reconcile only", false)
  .option("--force", "fail over even when the recovery service is not a RUNNING passive peer", false);

runOperation<{ primaryUnreachable: boolean; stateOnly: boolean; force: boolean }>(program, (common, opts, deps) =>
  failover({ ...common, primaryUnreachable: opts.primaryUnreachable, stateOnly: opts.stateOnly, force: opts.force }, deps),
);
