import { z } from "zod";
import { PeerSide } from "../contract/pair-manifest";

/**
 * The NDJSON events a DR operation prints with `--json` (`JsonReporter`, and
 * the `error` event of `runCommand`), as far as the CI report reads them.
 * Fields it does not read pass through untouched.
 */
const peerSightingSchema = z.looseObject({
  reachable: z.boolean(),
  state: z.string().optional(),
  role: z.string().nullable().optional(),
  error: z.string().optional(),
});

const timelineSchema = z.looseObject({
  startedAt: z.string(),
  totalMs: z.number(),
  steps: z.array(z.looseObject({ step: z.string(), startedAt: z.string(), durationMs: z.number() })),
  figures: z.looseObject({
    toTrigger: z.number().optional(),
    atAiven: z.number().optional(),
    reconcile: z.number().optional(),
    record: z.number().optional(),
  }),
});

export const EVENT_TYPES = ["step", "info", "warning", "progress", "command", "done", "error"] as const;

export const operationEventSchema = z.looseObject({
  ts: z.string(),
  type: z.enum(EVENT_TYPES),
  message: z.string(),
  /** `step` events: the step's name. */
  step: z.string().optional(),
  /** Events about one pair of a region run. */
  stack: z.string().optional(),
  /** The preflight step's `info` events about each peer: which peer, and how it was seen. */
  peer: z.enum(["primary", "recovery"] satisfies PeerSide[]).optional(),
  reachable: z.boolean().optional(),
  state: z.string().optional(),
  role: z.string().nullable().optional(),
  /**
   * `progress` events while waiting: both peers as last read. Other events
   * use these names for other things (failover's `done` says what became of
   * the primary), so they are read with `sightingOf`.
   */
  primary: z.unknown().optional(),
  recovery: z.unknown().optional(),
  /** The `done` event (and a region run's per-pair summary): the run's timeline. */
  timeline: timelineSchema.optional(),
  /** A region run's `done` event: each pair's exit code. */
  outcomes: z
    .array(
      z.looseObject({
        stack: z.string(),
        exitCode: z.number(),
        error: z.string().optional(),
        tier: z.number().optional(),
        recoveryMs: z.number().optional(),
      }),
    )
    .optional(),
  /** The replication step's `info` event: the standby's figures (its message is the line to show). */
  replication: z.looseObject({}).optional(),
  /** `error` events. */
  exitCode: z.number().optional(),
  /** `command` events of a dry run. */
  dryRun: z.boolean().optional(),
});

export type OperationEvent = z.infer<typeof operationEventSchema>;

/** A peer as a `progress` event saw it, if `value` is one. */
export function sightingOf(value: unknown): PeerSighting | undefined {
  const parsed = peerSightingSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
export type PeerSighting = z.infer<typeof peerSightingSchema>;
export type EventTimeline = z.infer<typeof timelineSchema>;

export interface ParsedEvents {
  readonly events: OperationEvent[];
  /** Lines that were not events (a crash's output on stdout, a line cut short). */
  readonly strayLines: string[];
}

/** Reads an operation's `--json` output; lines that are not events are kept apart, never fatal. */
export function parseOperationEvents(ndjson: string): ParsedEvents {
  const events: OperationEvent[] = [];
  const strayLines: string[] = [];
  for (const line of ndjson.split("\n")) {
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      strayLines.push(line);
      continue;
    }
    const parsed = operationEventSchema.safeParse(raw);
    if (parsed.success) events.push(parsed.data);
    else strayLines.push(line);
  }
  return { events, strayLines };
}
