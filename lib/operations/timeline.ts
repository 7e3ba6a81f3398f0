import { formatDuration } from "../duration";

/** One step of a run, as timed. */
export interface TimedStep {
  readonly step: string;
  readonly startedAt: string;
  readonly durationMs: number;
}

/**
 * The measured recovery-time figures of a run, worth comparing across drills:
 * how long until the role change was sent (`toTrigger`), how long Aiven took
 * to complete it (`atAiven`: from the trigger to the end of the last wait),
 * and how long Terraform and synth took afterwards.
 */
export interface TimelineFigures {
  readonly toTrigger?: number;
  readonly atAiven?: number;
  readonly reconcile?: number;
  readonly record?: number;
}

export interface Timeline {
  readonly startedAt: string;
  readonly totalMs: number;
  readonly steps: readonly TimedStep[];
  readonly figures: TimelineFigures;
  /** What the run measured on the way, by name (such as the recovery's replication before a failover). */
  readonly measured?: Readonly<Record<string, unknown>>;
}

/** Times a run's named steps; each step ends where the next begins. */
export class TimelineRecorder {
  private readonly started = Date.now();
  private readonly open: Array<{ step: string; at: number }> = [];
  private triggeredAt?: number;
  private readonly measured: Record<string, unknown> = {};

  constructor(first: string) {
    // The first step starts with the run, on the same clock reading: two
    // readings can be a millisecond apart, and the steps would not sum to the total.
    this.open.push({ step: first, at: this.started });
  }

  begin(step: string): void {
    this.open.push({ step, at: Date.now() });
  }

  /** The role change reached Aiven (answered, or confirmed by reading). */
  triggered(): void {
    this.triggeredAt ??= Date.now();
  }

  /** Keeps a measurement with the run's timeline. */
  measure(name: string, value: unknown): void {
    this.measured[name] = value;
  }

  finish(): Timeline {
    const end = Date.now();
    const steps = this.open.map((s, i) => ({
      step: s.step,
      startedAt: new Date(s.at).toISOString(),
      durationMs: (this.open[i + 1]?.at ?? end) - s.at,
    }));
    const total = (names: string[]) => {
      const matching = steps.filter((s) => names.includes(s.step));
      return matching.length ? matching.reduce((t, s) => t + s.durationMs, 0) : undefined;
    };
    const waits = this.open
      .map((s, i) => ({ ...s, end: this.open[i + 1]?.at ?? end }))
      .filter((s) => s.step === "wait");
    const lastWaitEnd = waits.length ? waits[waits.length - 1].end : undefined;
    const figures: TimelineFigures = {
      ...(this.triggeredAt !== undefined ? { toTrigger: this.triggeredAt - this.started } : {}),
      ...(lastWaitEnd !== undefined ? { atAiven: lastWaitEnd - (this.triggeredAt ?? waits[0].at) } : {}),
      ...(total(["reconcile"]) !== undefined ? { reconcile: total(["reconcile"]) } : {}),
      ...(total(["record", "resynth"]) !== undefined ? { record: total(["record", "resynth"]) } : {}),
    };
    return {
      startedAt: new Date(this.started).toISOString(),
      totalMs: end - this.started,
      steps,
      figures,
      ...(Object.keys(this.measured).length ? { measured: { ...this.measured } } : {}),
    };
  }
}

/** "trigger 1s, Aiven 34s, reconcile 800ms, record and synth 600ms (total 37s)". */
export function formatTimeline(timeline: Timeline): string {
  const f = timeline.figures;
  const parts = [
    f.toTrigger !== undefined ? `to trigger ${formatDuration(f.toTrigger)}` : "",
    f.atAiven !== undefined ? `Aiven ${formatDuration(f.atAiven)}` : "",
    f.reconcile !== undefined ? `reconcile ${formatDuration(f.reconcile)}` : "",
    f.record !== undefined ? `record and synth ${formatDuration(f.record)}` : "",
  ].filter(Boolean);
  return `${parts.join(", ")}${parts.length ? " " : ""}(total ${formatDuration(timeline.totalMs)})`;
}
