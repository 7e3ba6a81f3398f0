import * as fs from "fs";
import { AivenClient } from "../../lib/aiven/aiven-client";
import { OperationDeps } from "../../lib/operations/operation-inputs";
import { CapturingReporter } from "../../lib/reporting/capturing-reporter";
import { SimServer } from "../../lib/simulator/sim-server";
import { freshPairSimulator } from "./fresh-pair-simulator";
import { ProjectFixture, STACK } from "./project-fixture";
import { RecordingTerraform } from "./recording-terraform";

/** What the pair's state holds before any operation: both services and the DR link. */
export const PAIR_IN_STATE = [
  "aiven_pg.primary",
  "aiven_pg.recovery",
  "aiven_service_integration.disaster_recovery",
] as const;

/** What a test may set of the deps beyond the defaults (the reporter and Terraform are the pair's own). */
export type DepsSettings = Partial<Omit<OperationDeps, "reporter" | "terraform">> & { clientTimeoutMs?: number };

/** An operation's collaborators in process: the simulator's API, Terraform recorded, the output captured. */
export type InProcessDeps = OperationDeps & { readonly reporter: CapturingReporter };

/**
 * The deps an in-process operation runs with against the simulator at `url`:
 * a client that gives up fast (the simulator is local), the token only in the
 * environment, and `terraform` standing in for the binary.
 */
export function inProcessDeps(
  project: ProjectFixture,
  url: string,
  token: string,
  terraform: RecordingTerraform,
  extra: DepsSettings = {},
): InProcessDeps {
  const { clientTimeoutMs = 1000, ...rest } = extra;
  return {
    projectDir: project.dir,
    env: { ...process.env, AIVEN_TOKEN: token },
    client: new AivenClient({ baseUrl: url, token, backoffMs: 10, timeoutMs: clientTimeoutMs }),
    reporter: new CapturingReporter(),
    terraform: terraform.factory(),
    ...rest,
  };
}

export interface InProcessPair {
  readonly sim: SimServer;
  readonly url: string;
  readonly terraform: RecordingTerraform;
  readonly reporter: CapturingReporter;
  readonly deps: InProcessDeps;
}

/**
 * The start of each in-process operation test: the checkout's phases and
 * journal cleared, a started simulator holding the pair, state holding the
 * pair whole (or `terraform`, a stand-in of the test's own), and the deps.
 * The caller stops `sim` after the test.
 */
export async function inProcessPair(
  project: ProjectFixture,
  token: string,
  options: { terraform?: RecordingTerraform; deps?: DepsSettings } = {},
): Promise<InProcessPair> {
  const { sim, url } = await freshPairSimulator(project, token);
  const terraform = options.terraform ?? new RecordingTerraform(project.stack().workingDirectory, [...PAIR_IN_STATE]);
  const deps = inProcessDeps(project, url, token, terraform, options.deps);
  return { sim, url, terraform, reporter: deps.reporter, deps };
}

/** Each peer's `state/role` at the simulator, primary first. */
export function pairRoles(sim: SimServer): string[] {
  return ["pg-primary", "pg-primary-dr"]
    .map((s) => sim.model.getService("crdr-test", s))
    .map((s) => `${s.state}/${s.disaster_recovery_role}`);
}

/** The events the checkout's journal holds for the pair, oldest first (untyped JSON, as written). */
export function journalEvents(project: ProjectFixture, stack = STACK): any[] {
  return fs
    .readFileSync(`${project.dir}/.crdr/journal/${stack}.jsonl`, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}
