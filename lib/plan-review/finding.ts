export const SEVERITIES = ["info", "warning", "danger"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly address?: string;
  /** The pair the resource belongs to. */
  readonly stack?: string;
  /** The stack whose plan the finding came from, when known. */
  readonly plan?: string;
  /** What the plan does, in one line. */
  readonly message: string;
  /** Why it matters for a DR pair. */
  readonly why?: string;
  /** For a replace or delete: Terraform's reason (its action_reason), in words. */
  readonly reason?: string;
  /** Set when the change is to a deposed object, not the current one. */
  readonly deposed?: string;
  /** Text to show as it is, such as the tail of terraform's error output. */
  readonly detail?: string;
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}
