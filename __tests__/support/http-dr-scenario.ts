import { SimServer } from "../../lib/simulator/sim-server";
import { DrScenario } from "./dr-scenario";
import { HttpStateBackend } from "./http-state-backend";
import { ProjectFixture } from "./project-fixture";
import { requireTerraform } from "./terraform";

export interface HttpDrScenario extends DrScenario {
  backend: HttpStateBackend;
}

/**
 * The end-to-end world on remote state: the same pair and simulator as
 * `useDrScenario`, with the pair's state in Terraform's `http` backend
 * served on 127.0.0.1 (seeded with the real terraform binary).
 */
export function useHttpDrScenario(token: string, app = "main.js", extraEnv: NodeJS.ProcessEnv = {}): HttpDrScenario {
  const scenario = {} as HttpDrScenario;
  beforeAll(() => {
    requireTerraform();
  });
  beforeEach(async () => {
    scenario.backend = new HttpStateBackend();
    const url = await scenario.backend.start();
    // Terraform's http client retries a failed request twice, waiting up to
    // 30 s between tries; one second keeps a fault test short.
    const backendEnv = {
      CRDR_BACKEND: JSON.stringify({ type: "http", address: url }),
      TF_HTTP_RETRY_WAIT_MAX: "1",
      ...extraEnv,
    };
    scenario.project = ProjectFixture.create(app, backendEnv);
    scenario.sim = new SimServer({ token });
    if (app === "main.js") {
      await scenario.project.seedState();
      scenario.sim.model.addPairFromManifest(scenario.project.stack().pair);
    }
    scenario.env = {
      ...backendEnv,
      AIVEN_WEB_URL: await scenario.sim.start(),
      AIVEN_TOKEN: token,
      AIVEN_AUTH_TOKEN: "",
      CRDR_API_BACKOFF_MS: "20",
      CRDR_API_TIMEOUT_MS: "2000",
    };
  });
  afterEach(async () => {
    await scenario.sim?.stop();
    await scenario.backend?.stop();
    scenario.project?.remove();
  });
  return scenario;
}
