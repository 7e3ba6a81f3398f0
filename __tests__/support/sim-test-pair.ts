import { SimServer, SimServerOptions } from "../../lib/simulator/sim-server";

/** The pair the simulator's own tests and the HTTP client's hold: project p1, pg-a and its recovery pg-a-dr. */
export const SIM_TEST_PAIR = {
  project: "p1",
  primary: "pg-a",
  recovery: "pg-a-dr",
  plan: "startup-4",
  primaryCloud: "google-europe-west1",
  recoveryCloud: "google-europe-north1",
} as const;

/** The same pair under short names, for the model's tests without a server. */
export const MODEL_TEST_PAIR = { ...SIM_TEST_PAIR, project: "p", primary: "pri", recovery: "rec" } as const;

/** A started simulator holding `SIM_TEST_PAIR`; stop it in afterEach. */
export async function simWithTestPair(options: SimServerOptions): Promise<{ sim: SimServer; url: string }> {
  const sim = new SimServer(options);
  sim.model.addPair(SIM_TEST_PAIR);
  return { sim, url: await sim.start() };
}
