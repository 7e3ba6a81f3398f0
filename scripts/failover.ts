import { operationCommand, runOperation } from "../lib/cli/operation-command";
import { failover } from "../lib/operations/failover";
import { regionFailover } from "../lib/operations/region-failover";
import { EXIT } from "../lib/exit-codes";
import { UserError } from "../lib/user-error";

const program = operationCommand(
  "failover",
  "Fail a CRDR pair (--stack) or every pair whose primary is in a region (--region) over to its recovery region: trigger at Aiven, wait, reconcile Terraform state, record the phase, resynthesize.",
  "30m",
  false,
)
  .option("--region <cloud>", "fail over every pair whose primary is in this cloud region")
  .option("--parallel <n>", "with --region: pairs failing over at once", "4")
  .option("--primary-unreachable", "also forget the primary in Terraform state (its region is down)", false)
  .option("--state-only", "the failover was already done in the Console or CLI: verify and reconcile only", false)
  .option("--force", "fail over even when the recovery service is not a RUNNING passive peer", false);

type Extra = { region?: string; parallel: string; primaryUnreachable: boolean; stateOnly: boolean; force: boolean };

runOperation<Extra>(program, async (common, opts, deps) => {
  const specific = { primaryUnreachable: opts.primaryUnreachable, stateOnly: opts.stateOnly, force: opts.force };
  if (!!common.stack === !!opts.region) {
    throw new UserError("Pass exactly one of --stack <pair> or --region <cloud>; --stack fails over one pair, --region every pair whose primary is there.");
  }
  if (common.stack) return failover({ ...common, ...specific }, deps);
  const parallel = Number(opts.parallel);
  if (!Number.isInteger(parallel) || parallel < 1) throw new UserError(`--parallel "${opts.parallel}" is not a positive whole number; use a value such as 4.`);
  const outcomes = await regionFailover({ ...common, ...specific, region: opts.region!, parallel }, deps);
  return Math.max(EXIT.ok, ...outcomes.map((o) => o.exitCode));
});
