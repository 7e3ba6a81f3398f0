import { Reporter } from "../reporting/reporter";
import { Timeline, TimelineRecorder } from "./timeline";

/** What a run's steps know of the pair's lock: whether this run still holds it (see `OperationLock.assertHeld`). */
export interface HeldLock {
  assertHeld(): void;
}

/**
 * A run's named steps: each printed, timed on the run's timeline, and
 * remembered, so that a failure's message says which step failed. A run that
 * lost its lock (stopped long enough for another run to take it over) starts
 * no further step.
 */
export class RunSteps {
  private current: string;

  constructor(
    private readonly timeline: TimelineRecorder,
    private readonly reporter: Reporter,
    private readonly lock?: HeldLock,
    first = "resolve",
  ) {
    this.current = first;
  }

  /** The step under way: the one a failure happened in. */
  get currentStep(): string {
    return this.current;
  }

  /** Starts a named step: printed, and remembered for the message if it fails. */
  begin(name: string, detail: string): void {
    this.assertStillLocked();
    this.beginQuietly(name);
    this.reporter.step(name, detail);
  }

  /** Starts a step the run reports in its own words (the resynth, after the record step's line). */
  beginQuietly(name: string): void {
    this.current = name;
    this.timeline.begin(name);
  }

  /** Refuses when another run took this run's lock over. */
  assertStillLocked(): void {
    this.lock?.assertHeld();
  }

  /** The role change has reached Aiven: the end of "time to trigger". */
  triggered(): void {
    this.timeline.triggered();
  }

  /** Keeps a measurement with the run's timeline (in the journal's and the `done` event's timeline). */
  measured(name: string, value: unknown): void {
    this.timeline.measure(name, value);
  }

  /** The run's timeline, ended now. */
  finish(): Timeline {
    return this.timeline.finish();
  }
}
