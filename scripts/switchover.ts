import { operationCommand, runOperation } from "../lib/cli/operation-command";
import { plannedSwitch } from "../lib/operations/planned-switch";

const program = operationCommand("switchover", "Planned, lossless switchover: make the recovery service active and the primary passive, keeping the DR link.", "30m");

runOperation("switchover", program, (common, _opts, deps) => plannedSwitch("switchover", common, deps));
