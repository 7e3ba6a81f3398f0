import { SimServer } from "../../lib/simulator/sim-server";
import { ProjectFixture } from "./project-fixture";
import { requireTerraform } from "./terraform";

/**
 * The world the end-to-end tests run in: a throw-away project whose local
 * state holds the example pair (pushed with the real terraform binary), and a
 * simulator holding the same pair as a healthy CRDR pair.
 */
export interface DrScenario {
  project: ProjectFixture;
  sim: SimServer;
  env: NodeJS.ProcessEnv;
}

/** Registers beforeAll/beforeEach/afterEach hooks and returns the live scenario. */
export function useDrScenario(token: string): DrScenario {
  const scenario = {} as DrScenario;
  beforeAll(() => {
    requireTerraform();
  });
  beforeEach(async () => {
    scenario.project = ProjectFixture.create();
    await scenario.project.seedState();
    scenario.sim = new SimServer({ token });
    scenario.sim.model.addPairFromManifest(scenario.project.stack().pair);
    scenario.env = {
      AIVEN_WEB_URL: await scenario.sim.start(),
      AIVEN_TOKEN: token,
      AIVEN_AUTH_TOKEN: "",
      // Fast retries and timeouts keep the fault tests short.
      CRDR_API_BACKOFF_MS: "20",
      CRDR_API_TIMEOUT_MS: "2000",
    };
  });
  afterEach(async () => {
    await scenario.sim.stop();
    scenario.project.remove();
  });
  return scenario;
}
