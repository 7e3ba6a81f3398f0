import { AivenClient } from "../aiven/aiven-client";
import { PairReader } from "../aiven/pair-reader";
import { PairManifest } from "../contract/pair-manifest";
import { OperationName } from "../phase/phase-record";
import { Reporter } from "../reporting/reporter";
import { Journal } from "./journal";
import { CommonOptions } from "./operation-inputs";
import { RunSteps } from "./run-steps";
import { PairTurn } from "./tier-order";

/**
 * One operation's run on one pair, as the steps that read Aiven and change
 * roles see it: the role request and its exactly-once discipline
 * (role-request.ts), `--resend` and the accepted-change watch
 * (accepted-without-effect.ts), the waits (peer-wait.ts) and the replication
 * checks. The operation context builds it once from its pieces; these steps
 * never see the context, and nothing they call leads back into it.
 */
export interface PairRun {
  readonly operation: OperationName;
  readonly options: CommonOptions;
  readonly pair: PairManifest;
  readonly journal: Journal;
  readonly client: AivenClient;
  /** Both peers, read the way each moment of the run needs. */
  readonly peers: PairReader;
  readonly reporter: Reporter;
  /** The command that finishes this operation, as the engineer would type it. */
  readonly rerunCommand: string;
  /** Starts a named step: printed, timed, remembered for the failure message; refused once the run lost its lock. */
  step(name: string, detail: string): void;
  /** Refuses when another run took this run's lock over (the last check before a request leaves). */
  assertStillLocked(): void;
  /**
   * Waits, in a region run, until every pair of an earlier tier has sent its
   * role changes; the wait is its own step, so the timeline shows it.
   */
  awaitRoleChangeTurn(): Promise<void>;
  /** The role change has reached Aiven: the end of "time to trigger". */
  triggered(): void;
  /** Keeps a measurement with the run's timeline. */
  measured(name: string, value: unknown): void;
  sleep(ms: number): Promise<void>;
}

/** The command that finishes `operation` on `stack`, as the engineer would type it. */
export function rerunCommandOf(operation: OperationName, stack: string): string {
  return `npm run ${operation} -- --stack ${stack}`;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The pieces a `PairRun` is made of. */
export interface PairRunPieces {
  readonly operation: OperationName;
  readonly options: CommonOptions;
  readonly pair: PairManifest;
  readonly journal: Journal;
  readonly client: AivenClient;
  readonly peers: PairReader;
  readonly reporter: Reporter;
  readonly steps: RunSteps;
  /** A region run's order of role changes. @default - the pair sends as soon as it is ready */
  readonly turn?: PairTurn;
  /** @default - real time */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Puts a run's pieces together as the steps that read and change the pair see them. */
export function pairRunOf(pieces: PairRunPieces): PairRun {
  const { operation, options, pair, journal, client, peers, reporter, steps, turn } = pieces;
  const sleep = pieces.sleep ?? realSleep;
  return {
    operation,
    options,
    pair,
    journal,
    client,
    peers,
    reporter,
    rerunCommand: rerunCommandOf(operation, options.stack),
    step: (name, detail) => steps.begin(name, detail),
    assertStillLocked: () => steps.assertStillLocked(),
    awaitRoleChangeTurn: async () => {
      if (options.dryRun || !turn || turn.isOpen()) return;
      steps.begin("turn", "waiting for the pairs of earlier tiers to send their role changes first");
      await turn.awaitTurn();
    },
    triggered: () => steps.triggered(),
    measured: (name, value) => steps.measured(name, value),
    sleep: (ms) => sleep(ms),
  };
}
