import { operationCommand, runOperation } from "../lib/cli/operation-command";
import { plannedSwitch } from "../lib/operations/planned-switch";

const program = operationCommand("switchback", "Switch back after a switchover: make the primary active and the recovery service passive, keeping the DR link.", "30m");

runOperation("switchback", program, (common, _opts, deps) => plannedSwitch("switchback", common, deps));
