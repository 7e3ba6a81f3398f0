import { randomBytes, randomUUID } from "crypto";
import { PairManifest } from "../contract/pair-manifest";
import { AivenService, AivenServiceIntegration } from "../aiven/aiven-types";
import { DR_ROLES, DrRole } from "../contract/dr-roles";
import { SimDatabaseEndpoint, SimPostgres } from "./sim-postgres";

/** How long the simulated transitions take, in milliseconds. */
export interface SimDelays {
  /** Recovery promotion after the primary is failed. @default 0 */
  readonly failoverMs: number;
  /** A (re)created passive peer's REBUILDING phase. @default 0 */
  readonly rebuildMs: number;
  /** The demoted peer's REBALANCING phase after a takeover. @default 0 */
  readonly rebalanceMs: number;
  /** A planned switchover. @default 0 */
  readonly switchoverMs: number;
  /**
   * After a role change is accepted, how long the changed service shows a
   * transitional state with its old role before the role flips (and before
   * its peer starts to move). @default 0
   */
  readonly roleLagMs: number;
}

export const NO_DELAYS: SimDelays = { failoverMs: 0, rebuildMs: 0, rebalanceMs: 0, switchoverMs: 0, roleLagMs: 0 };

/**
 * Timings shaped like a small real pair's (a role that flips a while after
 * the change is accepted, rebuilds slower than takeovers), scaled down to
 * seconds for drills and demos.
 */
export const REALISTIC_DELAYS: SimDelays = {
  failoverMs: 3000,
  rebuildMs: 5000,
  rebalanceMs: 2500,
  switchoverMs: 3000,
  roleLagMs: 1500,
};

/** Behaviour the public sources leave open; the tooling must be right under every choice. */
export interface SimBehaviour {
  /**
   * Whether the DR integration's source and destination follow the active
   * role: a takeover swaps them, keeping the integration id. @default false
   */
  readonly swapLinkOnTakeover: boolean;
  /**
   * How a role change is answered while either peer is still in a
   * transition: `conflict` answers 409, `accept` answers 200 and changes
   * nothing. @default "conflict"
   */
  readonly whileBusy: "conflict" | "accept";
  /**
   * Whether the project's service list leaves out `disaster_recovery_role`
   * (the published API spec does not list the field there). @default false
   */
  readonly listOmitsRoles: boolean;
}

export const DEFAULT_BEHAVIOUR: SimBehaviour = {
  swapLinkOnTakeover: false,
  whileBusy: "conflict",
  listOmitsRoles: false,
};

type Change = { state?: string; role?: DrRole };
type SimIntegration = AivenServiceIntegration & { project: string };

interface SimService {
  project: string;
  name: string;
  plan: string;
  cloud: string;
  state: string;
  role?: DrRole;
  /**
   * The Service URI's host and credentials. A recovery service takes its
   * primary's when the DR link is created: CRDR peers share one Service URI
   * (whose DNS follows the active peer) and its credentials.
   */
  uri: { host: string; port: number; user: string; password: string };
  /** Changes that take effect at a time, applied lazily on every read, in order. */
  pending: Array<{ at: number; change: Change; then?: () => void }>;
}

/** A refusal the API would send, as status and message. */
export class SimRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The simulated Aiven world: projects, services and integrations, with CRDR
 * roles and state transitions as Aiven documents them. A role change passes
 * through intermediate states: the changed service shows a transitional state
 * with its old role for `roleLagMs`, then its peer moves. Time-dependent
 * changes are recorded with the time they take effect and applied when read,
 * so the model is deterministic for a given clock.
 */
export class SimModel {
  private readonly services = new Map<string, SimService>();
  private readonly integrations = new Map<string, SimIntegration>();
  /** The primary of each DR link: its source when it was created. */
  private readonly primaryOf = new Map<string, string>();
  public behaviour: SimBehaviour = DEFAULT_BEHAVIOUR;
  /** While a role change is being scheduled: how long before its first step (see `updateService`). */
  private startsIn = 0;
  /** Real clusters behind some services, when a test or drill attaches them. */
  readonly postgres = new SimPostgres();

  constructor(
    public delays: SimDelays = NO_DELAYS,
    private readonly now: () => number = Date.now,
  ) {}

  addService(spec: {
    project: string;
    name: string;
    plan: string;
    cloud: string;
    state?: string;
    role?: DrRole;
  }): void {
    this.services.set(key(spec.project, spec.name), {
      project: spec.project,
      name: spec.name,
      plan: spec.plan,
      cloud: spec.cloud,
      state: spec.state ?? "RUNNING",
      role: spec.role,
      // Re-seeding a service keeps its endpoint and credentials, as the same service would.
      uri: this.services.get(key(spec.project, spec.name))?.uri ?? {
        host: `${spec.name}-${spec.project}.sim.local`,
        port: 5432,
        user: "avnadmin",
        password: `sim-${randomBytes(9).toString("hex")}`,
      },
      pending: [],
    });
  }

  /** A healthy CRDR pair: primary RUNNING/active, recovery RUNNING/passive, linked by the DR integration. */
  addPair(spec: {
    project: string;
    primary: string;
    recovery: string;
    plan: string;
    primaryCloud: string;
    recoveryCloud: string;
  }): void {
    this.addService({
      project: spec.project,
      name: spec.primary,
      plan: spec.plan,
      cloud: spec.primaryCloud,
      role: "active",
    });
    this.addService({
      project: spec.project,
      name: spec.recovery,
      plan: spec.plan,
      cloud: spec.recoveryCloud,
      role: "passive",
    });
    this.createIntegration(spec.project, {
      integration_type: "disaster_recovery",
      source_service: spec.primary,
      dest_service: spec.recovery,
    });
    // Seeded pairs start healthy: the recovery service has finished its copy.
    Object.assign(this.find(spec.project, spec.recovery), { state: "RUNNING", pending: [] });
  }

  /** Seeds the healthy pair a synthesized stack describes. */
  addPairFromManifest(pair: PairManifest): void {
    this.addPair({
      project: pair.project,
      primary: pair.primary.serviceName,
      recovery: pair.recovery.serviceName,
      plan: pair.primary.plan,
      primaryCloud: pair.primary.cloudName,
      recoveryCloud: pair.recovery.cloudName,
    });
  }

  hasProject(project: string): boolean {
    return [...this.services.values()].some((s) => s.project === project);
  }

  getService(project: string, name: string): AivenService {
    return this.render(this.find(project, name));
  }

  /** Every service of a project, as `GET /v1/project/{p}/service` lists them. */
  listServices(project: string): AivenService[] {
    if (!this.hasProject(project)) throw new SimRefusal(404, `Project ${project} does not exist`);
    return [...this.services.values()]
      .filter((s) => s.project === project)
      .map((s) => this.render(this.find(project, s.name)))
      .map(({ disaster_recovery_role, ...rest }) =>
        this.behaviour.listOmitsRoles
          ? rest
          : { ...rest, ...(disaster_recovery_role ? { disaster_recovery_role } : {}) },
      );
  }

  /**
   * Applies a partial update, as `PUT /v1/project/{p}/service/{s}` does.
   * With `visibleAfterMs`, an accepted role change starts only that much
   * later: until then every read shows the pair as it was (Aiven took the
   * request but shows nothing of it yet), and the pair counts as busy.
   */
  updateService(
    project: string,
    name: string,
    update: Record<string, unknown>,
    options: { visibleAfterMs?: number } = {},
  ): AivenService {
    const service = this.find(project, name);
    if (typeof update.plan === "string") service.plan = update.plan;
    if (typeof update.cloud === "string") service.cloud = update.cloud;
    if (update.disaster_recovery_role !== undefined) {
      this.startsIn = options.visibleAfterMs ?? 0;
      try {
        this.changeRole(service, update.disaster_recovery_role);
      } finally {
        this.startsIn = 0;
      }
    }
    return this.render(service);
  }

  createService(project: string, body: Record<string, any>): AivenService {
    const name = body.service_name;
    if (typeof name !== "string" || !/^[a-z][-a-z0-9]{0,63}$/.test(name)) {
      throw new SimRefusal(400, "Invalid service_name");
    }
    if (this.services.has(key(project, name))) throw new SimRefusal(409, `Service ${name} already exists`);
    const dr = (body.service_integrations ?? []).find((i: any) => i.integration_type === "disaster_recovery");
    if (dr) this.find(project, dr.source_service);
    this.addService({ project, name, plan: body.plan ?? "startup-4", cloud: body.cloud ?? "google-europe-west1" });
    const created = this.find(project, name);
    if (dr) {
      this.createIntegration(project, {
        integration_type: "disaster_recovery",
        source_service: dr.source_service,
        dest_service: name,
      });
    }
    return this.render(created);
  }

  listIntegrations(project: string, service: string): AivenServiceIntegration[] {
    this.find(project, service);
    return [...this.integrations.values()]
      .filter((i) => i.project === project && (i.source_service === service || i.dest_service === service))
      .map(publicIntegration);
  }

  getIntegration(project: string, id: string): AivenServiceIntegration {
    const integration = this.integrations.get(id);
    if (!integration || integration.project !== project) throw new SimRefusal(404, "Service integration not found");
    return publicIntegration(integration);
  }

  createIntegration(
    project: string,
    spec: { integration_type?: unknown; source_service?: unknown; dest_service?: unknown },
  ): AivenServiceIntegration {
    if (
      typeof spec.integration_type !== "string" ||
      typeof spec.source_service !== "string" ||
      typeof spec.dest_service !== "string"
    ) {
      throw new SimRefusal(400, "integration_type, source_service and dest_service are required");
    }
    const source = this.find(project, spec.source_service);
    const dest = this.find(project, spec.dest_service);
    if (spec.integration_type === "disaster_recovery") {
      const existing = [...this.integrations.values()].find(
        (i) =>
          i.integration_type === "disaster_recovery" &&
          [i.source_service, i.dest_service].some((s) => s === source.name || s === dest.name),
      );
      if (existing) throw new SimRefusal(409, "Service already has a disaster_recovery integration");
      if (["hobbyist", "free", "developer"].includes(source.plan.split("-")[0])) {
        throw new SimRefusal(400, "Disaster recovery requires a Startup plan or higher");
      }
      source.role = "active";
      dest.role = "passive";
      dest.uri = { ...source.uri };
      this.schedule(dest, [
        [0, { state: "REBUILDING" }],
        [this.delays.rebuildMs, { state: "RUNNING" }],
      ]);
    }
    const integration: SimIntegration = {
      project,
      service_integration_id: randomUUID(),
      integration_type: spec.integration_type,
      source_service: source.name,
      dest_service: dest.name,
      source_project: project,
      dest_project: project,
      active: true,
      enabled: true,
    };
    this.integrations.set(integration.service_integration_id, integration);
    if (integration.integration_type === "disaster_recovery")
      this.primaryOf.set(integration.service_integration_id, source.name);
    return publicIntegration(integration);
  }

  deleteIntegration(project: string, id: string): void {
    this.getIntegration(project, id);
    this.integrations.delete(id);
  }

  private changeRole(service: SimService, requested: unknown): void {
    if (typeof requested !== "string" || !(DR_ROLES as readonly string[]).includes(requested)) {
      throw new SimRefusal(
        400,
        `Invalid disaster_recovery_role ${JSON.stringify(requested)}; expected one of ${DR_ROLES.join(", ")}`,
      );
    }
    const role = requested as DrRole;
    const link = this.drLinkOf(service);
    if (!link) throw new SimRefusal(400, `Service ${service.name} is not part of a disaster recovery setup`);
    const peer = link.peer;
    if (service.pending.length || peer.pending.length) {
      if (this.behaviour.whileBusy === "accept") return;
      throw new SimRefusal(
        409,
        `Service ${service.name} is ${service.state}/${service.role}: a disaster recovery transition is in progress; wait for it to finish`,
      );
    }
    if (service.role === role) return; // already there: nothing to do
    const lag = this.delays.roleLagMs;
    const d = this.delays;

    if (role === "failed") {
      if (link.primaryName !== service.name) throw new SimRefusal(400, "Only the primary service can be failed");
      if (peer.role !== "passive") throw new SimRefusal(409, `Recovery service ${peer.name} is not passive`);
      this.schedule(service, [
        [0, { state: "REBALANCING" }],
        [lag, { state: "POWEROFF", role: "failed" }],
      ]);
      this.schedule(
        peer,
        [
          [lag, { state: "REBALANCING" }],
          [lag + d.failoverMs, { state: "RUNNING", role: "active" }],
        ],
        () => this.followActive(link.integration, peer),
      );
      return;
    }
    if (role === "passive") {
      if (service.role !== "failed")
        throw new SimRefusal(
          409,
          `Service ${service.name} is ${service.role}; only a failed primary can be recreated as passive`,
        );
      if (peer.role !== "active") throw new SimRefusal(409, `Peer ${peer.name} is not active`);
      this.schedule(service, [
        [0, { state: "REBUILDING" }],
        [lag, { role: "passive" }],
        [lag + d.rebuildMs, { state: "RUNNING" }],
      ]);
      return;
    }
    // role === "active": a takeover by a passive, fully built peer.
    if (service.role !== "passive" || service.state !== "RUNNING") {
      throw new SimRefusal(
        409,
        `Service ${service.name} is ${service.state}/${service.role}; only a RUNNING passive service can become active`,
      );
    }
    if (peer.role !== "active" || peer.state !== "RUNNING")
      throw new SimRefusal(409, `Peer ${peer.name} is not RUNNING/active`);
    const demotion = service.name === link.primaryName ? d.rebalanceMs : d.switchoverMs;
    this.schedule(
      service,
      [
        [0, { state: "REBALANCING" }],
        [lag, { state: "RUNNING", role: "active" }],
      ],
      () => this.followActive(link.integration, service),
    );
    this.schedule(peer, [
      [lag, { state: "REBALANCING", role: "passive" }],
      [lag + demotion, { state: "RUNNING" }],
    ]);
  }

  /**
   * Ends a service's transition now: its remaining steps apply at once. A test
   * holds a transition with long delays and releases it at a known point.
   */
  finishTransition(project: string, name: string): void {
    const service = this.find(project, name);
    for (const step of service.pending) step.at = Number.NEGATIVE_INFINITY;
    this.settle(service);
  }

  /** With `swapLinkOnTakeover`, the link's source becomes the active service. */
  private followActive(integration: SimIntegration, active: SimService): void {
    if (!this.behaviour.swapLinkOnTakeover || integration.source_service === active.name) return;
    const { source_service, dest_service } = integration;
    Object.assign(integration, { source_service: dest_service, dest_service: source_service });
  }

  /**
   * Schedules `steps` on a service, each at a delay from now, in order; a
   * step due now applies at once. `then` runs with the last step.
   */
  private schedule(service: SimService, steps: Array<[number, Change]>, then?: () => void): void {
    const now = this.now();
    service.pending = steps.map(([delay, change], i) => ({
      at: now + this.startsIn + delay,
      change,
      ...(i === steps.length - 1 && then ? { then } : {}),
    }));
    this.settle(service);
  }

  /**
   * The service's DR link: its peer, and which end was the primary when the
   * pair was set up (the primary keeps its name across role changes, even
   * when the link's ends follow the active role).
   */
  private drLinkOf(
    service: SimService,
  ): { peer: SimService; primaryName: string; integration: SimIntegration } | undefined {
    const link = [...this.integrations.values()].find(
      (i) =>
        i.project === service.project &&
        i.integration_type === "disaster_recovery" &&
        (i.source_service === service.name || i.dest_service === service.name),
    );
    if (!link) return undefined;
    const peerName = link.source_service === service.name ? link.dest_service : link.source_service;
    const primaryName = this.primaryOf.get(link.service_integration_id) ?? link.source_service;
    return { peer: this.find(service.project, peerName), primaryName, integration: link };
  }

  private find(project: string, name: string): SimService {
    const service = this.services.get(key(project, name));
    if (!service) {
      if (!this.hasProject(project)) throw new SimRefusal(404, `Project ${project} does not exist`);
      throw new SimRefusal(404, `Service ${name} does not exist`);
    }
    this.settle(service);
    return service;
  }

  private settle(service: SimService): void {
    const now = this.now();
    while (service.pending.length && service.pending[0].at <= now) {
      const step = service.pending.shift()!;
      Object.assign(service, step.change);
      step.then?.();
    }
  }

  private render(service: SimService): AivenService {
    const uri = service.uri;
    // A service backed by a real cluster (attachDatabase) names that
    // cluster's database, sslmode and node; the shared URI's host stays.
    const backing = this.postgres.endpointOf(service.project, service.name);
    const dbname = backing?.dbname ?? "defaultdb";
    const sslmode = backing?.sslmode ?? "require";
    const node = this.postgres.nodeOf(service.project, service.name);
    const standby = node
      ? { host: node.host, port: node.port }
      : { host: `dr-${service.name}-${service.project}.sim.local`, port: uri.port };
    return {
      service_name: service.name,
      service_type: "pg",
      state: service.state,
      plan: service.plan,
      cloud_name: service.cloud,
      ...(service.role ? { disaster_recovery_role: service.role } : {}),
      service_integrations: this.listIntegrations(service.project, service.name),
      // As the API shows them: the password inside service_uri and its
      // params, the shared host on both peers, and each peer's own standby
      // (read-only) endpoint as its disaster_recovery component.
      service_uri: `postgres://${uri.user}:${uri.password}@${uri.host}:${uri.port}/${dbname}?sslmode=${sslmode}`,
      service_uri_params: {
        host: uri.host,
        port: String(uri.port),
        user: uri.user,
        password: uri.password,
        dbname,
        sslmode,
      },
      components: [
        { component: "pg", host: uri.host, port: uri.port, route: "dynamic", usage: "primary" },
        ...(service.role
          ? [{ component: "pg", host: standby.host, port: standby.port, route: "dynamic", usage: "disaster_recovery" }]
          : []),
      ],
    };
  }

  /** The names of the pair `name` belongs to, primary first (the backing clusters follow a failover by these). */
  drPeersOf(project: string, name: string): { primary: string; recovery: string } | undefined {
    const link = this.drLinkOf(this.find(project, name));
    if (!link) return undefined;
    return link.primaryName === name
      ? { primary: name, recovery: link.peer.name }
      : { primary: link.primaryName, recovery: name };
  }

  /**
   * Backs a service with a real PostgreSQL node: its record then carries
   * the node as its disaster_recovery component and the node's login, and a
   * failover promotes the recovery's node and runs `stop` on the failed
   * primary's.
   */
  attachDatabase(project: string, name: string, endpoint: SimDatabaseEndpoint, stop: () => Promise<void>): void {
    const service = this.find(project, name);
    // The peers share the cluster's login, as CRDR peers share credentials.
    service.uri = { ...service.uri, user: endpoint.user, password: endpoint.password };
    this.postgres.attach(project, name, { endpoint, stop });
  }
}

function key(project: string, name: string): string {
  return `${project}/${name}`;
}

function publicIntegration(i: AivenServiceIntegration & { project?: string }): AivenServiceIntegration {
  const { project: _project, ...rest } = i;
  return { ...rest };
}
