import { operationCommand, runOperation } from "../lib/cli/operation-command";
import { revert } from "../lib/operations/revert";

const program = operationCommand(
  "revert",
  "Fail a pair back to its primary region: recreate the primary as passive, make it active, and import (never re-create) what Aiven kept.",
  "6h",
);

runOperation("revert", program, (common, _opts, deps) => revert(common, deps));
