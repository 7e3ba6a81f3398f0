import { Finding, Severity } from "./finding";

/** Findings of one rule that say the same thing (the same why) about different addresses of the same pair, or of no pair. */
export interface FindingGroup {
  readonly rule: string;
  readonly severity: Severity;
  readonly why?: string;
  /** The pair the findings are about, if any. */
  readonly stack?: string;
  readonly findings: readonly Finding[];
}

/**
 * Groups findings by rule, severity, why and pair, in the order each group
 * first appears, so a plan that deletes a thousand services says why once,
 * while a pair's own finding never hides in a crowd of others. A finding with
 * its own detail (such as terraform's error output) stays alone.
 */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<
    string,
    { rule: string; severity: Severity; why?: string; stack?: string; findings: Finding[] }
  >();
  findings.forEach((f, i) => {
    const key = f.detail !== undefined ? `#${i}` : JSON.stringify([f.rule, f.severity, f.why ?? "", f.stack ?? ""]);
    const group = groups.get(key);
    if (group) group.findings.push(f);
    else groups.set(key, { rule: f.rule, severity: f.severity, why: f.why, stack: f.stack, findings: [f] });
  });
  return [...groups.values()];
}
