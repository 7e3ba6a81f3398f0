import { Finding, Severity } from "./finding";

/** Findings of one rule that say the same thing (the same why) about different addresses. */
export interface FindingGroup {
  readonly rule: string;
  readonly severity: Severity;
  readonly why?: string;
  readonly findings: readonly Finding[];
}

/**
 * Groups findings by rule, severity and why, in the order each group first
 * appears, so a plan that deletes a thousand services says why once. A
 * finding with its own detail (such as terraform's error output) stays alone.
 */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, { rule: string; severity: Severity; why?: string; findings: Finding[] }>();
  findings.forEach((f, i) => {
    const key = f.detail !== undefined ? `#${i}` : JSON.stringify([f.rule, f.severity, f.why ?? ""]);
    const group = groups.get(key);
    if (group) group.findings.push(f);
    else groups.set(key, { rule: f.rule, severity: f.severity, why: f.why, findings: [f] });
  });
  return [...groups.values()];
}
