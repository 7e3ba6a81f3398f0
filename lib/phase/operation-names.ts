/**
 * Operations that move a pair between phases. Apart from the phase record's
 * schema: a command's start tells an operation by name before zod is loaded.
 */
export const OPERATIONS = ["failover", "revert", "switchover", "switchback"] as const;
export type OperationName = (typeof OPERATIONS)[number];
