import { AivenClient } from "../../lib/aiven/aiven-client";

/**
 * How an in-process test kills a run at a known point: the point throws
 * this, which no layer of the tool catches as its own (it is neither a
 * UserError nor an AivenApiError), so the run stops there, leaving its
 * journal as a killed process would.
 */
export class RunKilled extends Error {
  constructor(where: string) {
    super(`killed ${where}`);
    this.name = "RunKilled";
  }
}

/**
 * A client whose role change reaches Aiven (and is answered) but whose run is
 * killed before it reads the answer: the "sent, outcome unknown" point.
 */
export function killedAfterSending(client: AivenClient): AivenClient {
  const killed = Object.create(client) as AivenClient;
  killed.updateService = async (project, service, update) => {
    await client.updateService(project, service, update).catch(() => undefined);
    throw new RunKilled(`after sending PUT ${service}`);
  };
  return killed;
}
