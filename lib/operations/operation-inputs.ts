import { AivenClient } from "../aiven/aiven-client";
import { PeerSource } from "../aiven/peer-source";
import { Reporter } from "../reporting/reporter";
import { ResolvedStack } from "../synth/resolve-stack";
import { TerraformFactory } from "../terraform/terraform-factory";
import { Confirm } from "./confirmation";
import { PairTurn } from "./tier-order";

/** Options every DR operation takes. */
export interface CommonOptions {
  readonly stack: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  /**
   * After a role change's answer is lost, how long to read both peers for a
   * sign that Aiven applied it before concluding it did not.
   */
  readonly lostAnswerGraceMs: number;
  /** Send again a role change Aiven accepted but never acted on (see `prepareResend`). @default false */
  readonly resend?: boolean;
}

/** The default of `lostAnswerGraceMs`, as the CLI's `--lost-answer-grace` shows it. */
export const DEFAULT_LOST_ANSWER_GRACE = "2m";

/** What every DR operation is given to work with: the command line's, a region run's, or a test's. */
export interface OperationDeps {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly client: AivenClient;
  readonly reporter: Reporter;
  /** Asks the engineer to type `expected`; undefined when no terminal is attached. */
  readonly confirm?: Confirm;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where peers are read from. @default - one GET per service */
  readonly peers?: PeerSource;
  /** Record phases without synthesizing: the caller synthesizes once for many pairs. @default false */
  readonly deferSynth?: boolean;
  /** Where the pair's synthesized stack comes from. @default - `resolveStack` (synthesizing when stale) */
  readonly resolve?: (stack: string) => ResolvedStack;
  /** Makes the Terraform runner for a stack: `realTerraform` from the command line, a stand-in in tests. */
  readonly terraform: TerraformFactory;
  /** A region run's order of role changes (tiers). @default - a single pair sends as soon as it is ready */
  readonly turn?: PairTurn;
  /** Told when Aiven shows the operation's end state (the recovery active, for a failover). @default - nobody */
  readonly onRecovered?: () => void;
}
