import { performance } from "perf_hooks";
import { AivenClient } from "../lib/aiven/aiven-client";
import { RateLimitScope } from "../lib/aiven/project-budgets";
import { ServiceListPeerSource } from "../lib/aiven/peer-source";

/** A client that only lists services, noting when each list request started. */
function listingClient(rateLimitPer: RateLimitScope) {
  const started: Array<{ project: string; at: number }> = [];
  const client = {
    rateLimitPer,
    listServices: async (project: string) => {
      started.push({ project, at: performance.now() });
      return [];
    },
  } as unknown as AivenClient;
  return { client, started };
}

const pairIn = (project: string) => ({
  project,
  primary: { serviceName: `${project}-pg` },
  recovery: { serviceName: `${project}-pg-dr` },
});

describe("reading a fleet's peers through the service list", () => {
  it("spaces the lists of every project that shares the token's budget, not only each project's own", async () => {
    const { client, started } = listingClient("token");
    const source = new ServiceListPeerSource(client, 200);
    await Promise.all([source.read(pairIn("proj-a")), source.read(pairIn("proj-b"))]);
    expect(started.map((s) => s.project)).toEqual(["proj-a", "proj-b"]);
    // A timer never fires early: the second list starts a whole gap after the first.
    expect(started[1].at - started[0].at).toBeGreaterThanOrEqual(199);
  });

  it("with a budget per project, does not hold one project's list back for another's", async () => {
    const { client, started } = listingClient("project");
    // An hour's gap: were the projects spaced together, the second list would wait an hour.
    const source = new ServiceListPeerSource(client, 3_600_000);
    await Promise.all([source.read(pairIn("proj-a")), source.read(pairIn("proj-b"))]);
    expect(started.map((s) => s.project).sort()).toEqual(["proj-a", "proj-b"]);
  });

  it("starts no list while the one before is unanswered (waiting for a place in a spent budget), so lists do not pile up", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const started: number[] = [];
    const client = {
      rateLimitPer: "token",
      listServices: async () => {
        started.push(started.length);
        // The first list waits, as a request does for a place in a spent budget.
        if (started.length === 1) await held;
        return [];
      },
    } as unknown as AivenClient;
    const source = new ServiceListPeerSource(client, 5);
    const first = source.read(pairIn("proj-a"));
    while (started.length < 1) await new Promise((resolve) => setImmediate(resolve));
    // Readers keep asking, each many gaps after the last, while the first list is unanswered.
    const later: Array<Promise<unknown>> = [];
    for (let i = 0; i < 5; i++) {
      later.push(source.read(pairIn("proj-a")));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(started).toHaveLength(1);
    release();
    await Promise.all([first, ...later]);
    // Every later reader shares the one list that follows the answer.
    expect(started).toHaveLength(2);
  });
});
