export const SEVERITIES = ["info", "warning", "danger"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly address?: string;
  readonly stack?: string;
  /** What the plan does, in one line. */
  readonly message: string;
  /** Why it matters for a DR pair. */
  readonly why?: string;
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}
