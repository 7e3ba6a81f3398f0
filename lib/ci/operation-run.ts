import { PeerSide } from "../contract/pair-manifest";
import { Dispatch } from "./dispatch";
import { EventTimeline, OperationEvent, ParsedEvents, PeerSighting, sightingOf } from "./operation-events";

/** One step of a pair's run, as timed. */
export interface RunStep {
  readonly name: string;
  /** What the step said it does, as printed. */
  readonly detail: string;
  readonly startedAt: number;
  readonly durationMs: number;
}

/** What one pair went through in a run. */
export interface PairRun {
  readonly stack: string;
  /** Service names, as the preflight step printed the peers. */
  readonly services: Partial<Record<PeerSide, string>>;
  /** Both peers as the run first read them. */
  readonly before: Partial<Record<PeerSide, PeerSighting>>;
  /** Both peers as the run last read them, and when. */
  readonly last: Partial<Record<PeerSide, PeerSighting>>;
  readonly lastSeenAt?: string;
  readonly steps: RunStep[];
  /** The operation's own timeline, when it finished. */
  readonly timeline?: EventTimeline;
  /** The operation's closing summary, when it finished. */
  readonly summary?: string;
  /** A region run's per-pair result; a one-pair run's comes from the process. */
  readonly exitCode?: number;
  readonly error?: string;
  /** A region run's per-pair priority tier and recovery time (from the run's start). */
  readonly tier?: number;
  readonly recoveryMs?: number;
  readonly warnings: string[];
  /** The standby's replication as measured before the role change, as printed. */
  readonly replication?: string;
}

/** A run's events, folded per pair. */
export interface OperationRun {
  readonly pairs: PairRun[];
  /** The run's closing summary (a region run's covers every pair). */
  readonly summary?: string;
  readonly error?: { readonly exitCode: number; readonly message: string };
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly strayLines: string[];
}

/** The "[stack] " tag a region run puts before each pair's messages. */
const PAIR_TAG = /^\[([^\]]+)\] /;
/** A peer as the preflight step printed it: "recovery pg-primary-dr: RUNNING/passive". */
const PEER_LINE = /^(primary|recovery) (\S+):/;

export function untagged(message: string): string {
  return message.replace(PAIR_TAG, "");
}

interface PairDraft {
  stack: string;
  services: Partial<Record<PeerSide, string>>;
  before: Partial<Record<PeerSide, PeerSighting>>;
  last: Partial<Record<PeerSide, PeerSighting>>;
  lastSeenAt?: string;
  stepEvents: OperationEvent[];
  lastEventAt?: string;
  timeline?: EventTimeline;
  summary?: string;
  exitCode?: number;
  error?: string;
  tier?: number;
  recoveryMs?: number;
  warnings: string[];
  replication?: string;
}

/**
 * Folds a run's events per pair: the steps with their durations (from the
 * operation's timeline when it finished, else from the events' times), how
 * each peer was seen first and last, and how the run ended.
 */
export function foldOperationRun(parsed: ParsedEvents, dispatch: Dispatch): OperationRun {
  const drafts = new Map<string, PairDraft>();
  const draftFor = (stack: string) => {
    let draft = drafts.get(stack);
    if (!draft) {
      draft = { stack, services: {}, before: {}, last: {}, stepEvents: [], warnings: [] };
      drafts.set(stack, draft);
    }
    return draft;
  };
  if (dispatch.stack) draftFor(dispatch.stack);

  let summary: string | undefined;
  let error: OperationRun["error"];
  for (const event of parsed.events) {
    const stack = event.stack ?? PAIR_TAG.exec(event.message)?.[1] ?? dispatch.stack;
    const pair = stack === undefined ? undefined : draftFor(stack);
    if (pair) pair.lastEventAt = event.ts;
    const message = untagged(event.message);

    if (event.type === "error") {
      error = { exitCode: event.exitCode ?? 1, message };
    } else if (event.type === "step" && pair) {
      pair.stepEvents.push(event);
    } else if (event.type === "info" && pair && event.peer) {
      const sighting: PeerSighting = { reachable: event.reachable ?? false, state: event.state, role: event.role };
      pair.before[event.peer] ??= sighting;
      pair.last[event.peer] = sighting;
      pair.lastSeenAt = event.ts;
      const named = PEER_LINE.exec(message);
      if (named && named[1] === event.peer) pair.services[event.peer] = named[2];
    } else if (event.type === "info" && pair && event.replication) {
      pair.replication = message;
    } else if (event.type === "progress" && pair && sightingOf(event.primary) && sightingOf(event.recovery)) {
      pair.last = { primary: sightingOf(event.primary), recovery: sightingOf(event.recovery) };
      pair.lastSeenAt = event.ts;
    } else if (event.type === "warning" && pair) {
      pair.warnings.push(message);
    } else if (event.timeline && pair && (event.type === "done" || event.type === "info")) {
      // A one-pair run's done event, or a region run's summary of one pair.
      pair.timeline = event.timeline;
      pair.summary = message;
    } else if (event.type === "done") {
      summary = message;
      for (const outcome of event.outcomes ?? []) {
        const draft = draftFor(outcome.stack);
        draft.exitCode = outcome.exitCode;
        draft.error = outcome.error;
        draft.tier = outcome.tier;
        draft.recoveryMs = outcome.recoveryMs;
      }
    }
  }
  if (dispatch.stack && !summary) summary = drafts.get(dispatch.stack)?.summary;

  const ts = parsed.events.map((e) => e.ts);
  return {
    // By name, as the tool lists a region run's outcomes; pairs run in parallel, so events interleave.
    pairs: [...drafts.values()].sort((a, b) => a.stack.localeCompare(b.stack)).map(finishPair),
    summary,
    error,
    startedAt: ts[0],
    endedAt: ts[ts.length - 1],
    strayLines: parsed.strayLines,
  };
}

function finishPair(draft: PairDraft): PairRun {
  const { stepEvents, timeline, lastEventAt, ...rest } = draft;
  return {
    ...rest,
    timeline,
    steps: timeline ? stepsFromTimeline(timeline, stepEvents) : stepsFromEvents(stepEvents, lastEventAt),
  };
}

/** The timeline's steps, each with what its step event said (the timeline also times steps that print nothing, such as the resynth). */
function stepsFromTimeline(timeline: EventTimeline, stepEvents: OperationEvent[]): RunStep[] {
  const unmatched = [...stepEvents];
  return timeline.steps.map((s) => {
    const index = unmatched.findIndex((e) => e.step === s.step);
    const detail = index >= 0 ? untagged(unmatched.splice(index, 1)[0].message) : "";
    return { name: s.step, detail, startedAt: Date.parse(s.startedAt), durationMs: s.durationMs };
  });
}

/** An unfinished run's steps: each lasts until the next began, the last until the pair's last event. */
function stepsFromEvents(stepEvents: OperationEvent[], lastEventAt: string | undefined): RunStep[] {
  return stepEvents.map((e, i) => {
    const startedAt = Date.parse(e.ts);
    const end = Date.parse(stepEvents[i + 1]?.ts ?? lastEventAt ?? e.ts);
    return { name: e.step ?? "?", detail: untagged(e.message), startedAt, durationMs: Math.max(0, end - startedAt) };
  });
}
