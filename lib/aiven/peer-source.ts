import { AivenApiError } from "./aiven-api-error";
import { AivenClient } from "./aiven-client";
import { AivenService } from "./aiven-types";
import { Peers, PeerStatus } from "./peer-status";

/** Where a pair's two services are. */
export interface PairLocation {
  readonly project: string;
  readonly primary: { readonly serviceName: string };
  readonly recovery: { readonly serviceName: string };
}

/**
 * Reads both peers of a pair, fresh: every read reflects Aiven at or after
 * the moment it was asked for. API failures come back as unreachable peers
 * (the caller decides what a refused token means); only bugs throw.
 */
export interface PeerSource {
  read(pair: PairLocation): Promise<Peers>;
}

function unreachable(err: unknown): PeerStatus {
  if (err instanceof AivenApiError) return { reachable: false, error: err };
  throw err;
}

/** One GET per service: what a single pair's run uses. */
export class ServiceByServicePeerSource implements PeerSource {
  constructor(private readonly client: AivenClient) {}

  async read(pair: PairLocation): Promise<Peers> {
    const get = (name: string) =>
      this.client
        .getService(pair.project, name)
        .then((service): PeerStatus => ({ reachable: true, service }), unreachable);
    const [primary, recovery] = await Promise.all([get(pair.primary.serviceName), get(pair.recovery.serviceName)]);
    return { primary, recovery };
  }
}

/**
 * Reads a fleet's peers through the project's service list: one request
 * answers for every pair, so polling many pairs stays inside Aiven's rate
 * limit. Concurrent reads share one list request, which starts after they
 * were asked for and at least `minGapMs` after the previous one: of the same
 * project, or of any project when they share one budget (a project's list
 * goes ahead of queued role changes, see `LIST_PRIORITY`, so lists together
 * must not take more than one place per gap). A service
 * the list shows without `disaster_recovery_role` (the published API does not
 * promise the field there) is read with its own GET; a service the list does
 * not show reads as not found.
 */
export class ServiceListPeerSource implements PeerSource {
  private readonly next = new Map<string, Promise<Map<string, AivenService> | AivenApiError>>();
  /** The latest list of each budget: when it was handed to the client (or will be), and its answer. */
  private readonly latest = new Map<string, { startedAt: Promise<number>; answered: Promise<unknown> }>();
  private readonly byService: ServiceByServicePeerSource;

  constructor(
    private readonly client: AivenClient,
    private readonly minGapMs = 1000,
  ) {
    this.byService = new ServiceByServicePeerSource(client);
  }

  async read(pair: PairLocation): Promise<Peers> {
    const listed = await this.nextList(pair.project);
    if (listed instanceof AivenApiError) {
      // The list itself failing says nothing of the peers: ask them one by one.
      if (listed.isAuthFailure)
        return { primary: { reachable: false, error: listed }, recovery: { reachable: false, error: listed } };
      return this.byService.read(pair);
    }
    const peer = async (name: string): Promise<PeerStatus> => {
      const service = listed.get(name);
      if (!service) {
        return {
          reachable: false,
          error: new AivenApiError("GET", `/v1/project/${pair.project}/service`, "http", {
            status: 404,
            apiMessage: `${name} is not in the project's service list`,
          }),
        };
      }
      if (service.disaster_recovery_role !== undefined) return { reachable: true, service };
      return this.client
        .getService(pair.project, name)
        .then((s): PeerStatus => ({ reachable: true, service: s }), unreachable);
    };
    const [primary, recovery] = await Promise.all([peer(pair.primary.serviceName), peer(pair.recovery.serviceName)]);
    return { primary, recovery };
  }

  /** The next list request of `project` that starts from now on, shared by everyone who asks before it starts. */
  private nextList(project: string): Promise<Map<string, AivenService> | AivenApiError> {
    const scheduled = this.next.get(project);
    if (scheduled) return scheduled;
    const budget = this.client.rateLimitPer === "project" ? project : "";
    // Lists drawing from one budget start one after another, a gap apart,
    // and each only once the one before was answered: while the budget is
    // spent, a list waits there for a place, and the next must not queue up
    // behind it (each would take a place the moment places come back, ahead
    // of the role changes waiting for them).
    const previous = this.latest.get(budget);
    const startedAt = Promise.all([previous?.startedAt ?? -Infinity, previous?.answered]).then(
      ([at]) =>
        new Promise<number>((resolve) =>
          setTimeout(() => resolve(Date.now()), Math.max(0, at + this.minGapMs - Date.now())),
        ),
    );
    const request = startedAt.then(() => {
      // From here on, new readers wait for the list after this one.
      this.next.delete(project);
      return this.client.listServices(project).then(
        (services) => new Map(services.map((s) => [s.service_name, s])),
        (err) => {
          if (err instanceof AivenApiError) return err;
          throw err;
        },
      );
    });
    this.latest.set(budget, { startedAt, answered: request.catch(() => undefined) });
    this.next.set(project, request);
    return request;
  }
}
