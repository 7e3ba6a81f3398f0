/** Who holds a Terraform state lock, as terraform prints it under "Lock Info:". */
export interface StateLockInfo {
  readonly id?: string;
  readonly who?: string;
  readonly operation?: string;
  readonly created?: string;
  readonly path?: string;
}

/** Reads the "Lock Info:" block of a failed terraform command; undefined when no one else holds the lock. */
export function parseStateLockInfo(output: string): StateLockInfo | undefined {
  if (!/Error acquiring the state lock/i.test(output) || !/^\s*Lock Info:/m.test(output)) return undefined;
  // The http backend prints its own attempt under "Lock Info:"; of the
  // holder it names the ID alone (see httpLockHolder for the rest). Terraform
  // wraps at 78 columns, so a UUID lock ID lands on the next line.
  const httpHolder = /HTTP remote state already locked:\s+ID=(\S+)/.exec(output);
  if (httpHolder) return { id: httpHolder[1] };
  const field = (name: string) => new RegExp(`^\\s*${name}:[ \\t]*(.*\\S)?[ \\t]*$`, "m").exec(output)?.[1];
  return {
    id: field("ID"),
    who: field("Who"),
    operation: field("Operation"),
    created: field("Created"),
    path: field("Path"),
  };
}

/**
 * Why terraform could not take the lock when nobody holds it (a read-only
 * state file, permissions, a full disk): its "Error message:" line.
 */
export function lockFailureReason(output: string): string | undefined {
  if (!/Error acquiring the state lock/i.test(output)) return undefined;
  // Terraform wraps its messages at 78 columns: read up to the blank line.
  const start = output.indexOf("Error message:");
  if (start < 0) return "no reason given";
  const rest = output.slice(start + "Error message:".length);
  return rest
    .split(/\n\s*\n/)[0]
    .replace(/\s+/g, " ")
    .trim();
}

/** One phrase for a held lock: holder, operation, age and ID, as far as terraform told them. */
export function describeStateLock(lock: StateLockInfo, now = Date.now()): string {
  // Terraform prints "2026-11-26 03:43:23.543349548 +0000 UTC".
  const created = lock.created
    ? Date.parse(
        lock.created
          .replace(/ UTC$/, "")
          .replace(/ \+0000$/, "Z")
          .replace(" ", "T"),
      )
    : NaN;
  const age = Number.isFinite(created) ? ` for ${humanAge(now - created)}` : "";
  const parts = [
    `held by ${lock.who ?? "an unknown holder"}`,
    lock.operation ? `(${lock.operation.replace(/^OperationType/, "").toLowerCase() || lock.operation})` : "",
    lock.created ? `since ${lock.created}${age}` : "",
    lock.id ? `lock ID ${lock.id}` : "",
  ];
  return parts.filter(Boolean).join(", ");
}

function humanAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  return `${Math.round(minutes / 60)}h`;
}
