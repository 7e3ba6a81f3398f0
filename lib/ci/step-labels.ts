/** How the timeline names an operation's steps: the trigger, the takeover, the reconcile, the synth. */
const STEP_LABELS: Record<string, string> = {
  resolve: "resolve the stack",
  preflight: "read both peers and preflight",
  replication: "measure the standby",
  recall: "settle an earlier request",
  request: "trigger",
  wait: "takeover at Aiven",
  reconcile: "reconcile state",
  record: "record the phase",
  resynth: "synth",
};

export function stepLabel(step: string): string {
  return STEP_LABELS[step] ?? step;
}
