import * as path from "path";
import { OperationName, PhaseRecord } from "../phase/phase-record";
import { PhaseFolder } from "../phase/phase-folder";
import { GatedSynth } from "../synth/gated-synth";
import { Reporter } from "../reporting/reporter";
import { Journal } from "./journal";
import { resynthesizeFor, writePhaseRecord } from "./phase-update";
import { RunSteps } from "./run-steps";

/** What recording a run's phase needs to know of the run. */
export interface PhaseRecordingRun {
  readonly operation: OperationName;
  readonly runId: string;
  /** The pair's stack name. */
  readonly stack: string;
  readonly dryRun: boolean;
  /** The phase the pair was in when the run began. */
  readonly current: PhaseRecord;
  readonly phases: PhaseFolder;
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Record without synthesizing: a region run synthesizes once for all its pairs. */
  readonly deferSynth: boolean;
  readonly journal: Journal;
  readonly reporter: Reporter;
  readonly steps: RunSteps;
}

/**
 * The phase a run leads its pair to: the record (keeping the `since` and
 * `runId` of an earlier run it finishes), written to the pair's phase file,
 * and cdk.tf.json resynthesized from it.
 */
export class PhaseRecording {
  private early?: GatedSynth;

  constructor(private readonly run: PhaseRecordingRun) {}

  /**
   * Starts the resynth ahead of time, waiting at its gate for the record,
   * so the app's start-up overlaps the run's calls to Aiven and Terraform
   * (see `GatedSynth`). Not for a dry run or a region run's pair, which do
   * not synthesize; `dispose` ends it if the run never records.
   */
  prepare(): void {
    if (this.run.dryRun || this.run.deferSynth || this.early) return;
    this.early = GatedSynth.start(this.run.projectDir, this.run.env);
  }

  /** Ends the synth `prepare` started, unless the record used it. */
  async dispose(): Promise<void> {
    await this.early?.dispose();
  }

  /**
   * The record of the phase this run leads to. A run that finishes what an
   * earlier run of the same operation began keeps that run's `since` and
   * `runId`: the pair entered the phase then.
   */
  next<R extends PhaseRecord>(record: Omit<R, "since" | "runId" | "operation">): R {
    const { current, operation, runId } = this.run;
    const resumed = current.phase === record.phase && current.operation === operation;
    return {
      ...record,
      since: resumed && current.since ? current.since : new Date().toISOString(),
      operation,
      runId: resumed && current.runId ? current.runId : runId,
    } as R;
  }

  /**
   * Writes the new phase, resynthesizes, and checks the result is what the
   * phase synthesizes. A region run defers the synth: it synthesizes once for
   * all its pairs (the phase file is the truth; cdk.tf.json is derived from
   * it, so a crash in between is mended by the next run or npm run synth).
   */
  async record(record: PhaseRecord): Promise<void> {
    const { dryRun, journal, reporter, steps, projectDir } = this.run;
    steps.begin("record", `phase "${record.phase}" in ${this.fileShown()}${dryRun ? " (dry run: not written)" : ""}`);
    if (dryRun) return;
    await writePhaseRecord(this.run.phases.dir, this.run.stack, record);
    journal.append("phase-recorded", { record });
    if (this.run.deferSynth) {
      reporter.info(`cdk.tf.json is synthesized once the region run's pairs are done`);
      return;
    }
    steps.beginQuietly("resynth");
    const stack = await resynthesizeFor(projectDir, this.run.env, this.run.stack, record, this.fileShown(), this.early);
    reporter.info(`resynthesized ${path.relative(projectDir, stack.file)}`);
  }

  /** The pair's phase file, relative to the project. */
  fileShown(): string {
    return path.relative(this.run.projectDir, this.run.phases.fileOf(this.run.stack));
  }
}
