import * as fs from "fs";
import { SimServer } from "../../lib/simulator/sim-server";
import { ProjectFixture } from "./project-fixture";

/**
 * The start of each in-process test: the checkout's phases and journal
 * cleared, and a started simulator holding the pair, whose transitions take
 * tens of milliseconds.
 */
export async function freshPairSimulator(
  project: ProjectFixture,
  token: string,
): Promise<{ sim: SimServer; url: string }> {
  project.clearPhases();
  fs.rmSync(`${project.dir}/.crdr`, { recursive: true, force: true });
  const sim = new SimServer({
    token,
    delays: { failoverMs: 50, rebuildMs: 50, rebalanceMs: 50, switchoverMs: 50, roleLagMs: 30 },
  });
  sim.model.addPairFromManifest(project.stack().pair);
  return { sim, url: await sim.start() };
}
