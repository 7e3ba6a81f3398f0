import { randomUUID } from "crypto";
import { PairManifest } from "../pair-manifest";
import { AivenService, AivenServiceIntegration, DR_ROLES, DrRole } from "../aiven/aiven-types";

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
}

export const NO_DELAYS: SimDelays = { failoverMs: 0, rebuildMs: 0, rebalanceMs: 0, switchoverMs: 0 };

interface SimService {
  project: string;
  name: string;
  plan: string;
  cloud: string;
  state: string;
  role?: DrRole;
  /** Changes that take effect at a time, applied lazily on every read. */
  pending: Array<{ at: number; state?: string; role?: DrRole }>;
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
 * roles and state transitions as Aiven documents them. Time-dependent changes
 * are recorded with the time they take effect and applied when read, so the
 * model is deterministic for a given clock.
 */
export class SimModel {
  private readonly services = new Map<string, SimService>();
  private readonly integrations = new Map<string, AivenServiceIntegration & { project: string }>();

  constructor(
    public delays: SimDelays = NO_DELAYS,
    private readonly now: () => number = Date.now,
  ) {}

  addService(spec: { project: string; name: string; plan: string; cloud: string; state?: string; role?: DrRole }): void {
    this.services.set(key(spec.project, spec.name), {
      project: spec.project,
      name: spec.name,
      plan: spec.plan,
      cloud: spec.cloud,
      state: spec.state ?? "RUNNING",
      role: spec.role,
      pending: [],
    });
  }

  /** A healthy CRDR pair: primary RUNNING/active, recovery RUNNING/passive, linked by the DR integration. */
  addPair(spec: { project: string; primary: string; recovery: string; plan: string; primaryCloud: string; recoveryCloud: string }): void {
    this.addService({ project: spec.project, name: spec.primary, plan: spec.plan, cloud: spec.primaryCloud, role: "active" });
    this.addService({ project: spec.project, name: spec.recovery, plan: spec.plan, cloud: spec.recoveryCloud, role: "passive" });
    this.createIntegration(spec.project, { integration_type: "disaster_recovery", source_service: spec.primary, dest_service: spec.recovery });
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

  /** Applies a partial update, as `PUT /v1/project/{p}/service/{s}` does. */
  updateService(project: string, name: string, update: Record<string, unknown>): AivenService {
    const service = this.find(project, name);
    this.settle(service);
    if (typeof update.plan === "string") service.plan = update.plan;
    if (typeof update.cloud === "string") service.cloud = update.cloud;
    if (update.disaster_recovery_role !== undefined) this.changeRole(service, update.disaster_recovery_role);
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
      this.createIntegration(project, { integration_type: "disaster_recovery", source_service: dr.source_service, dest_service: name });
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
    if (typeof spec.integration_type !== "string" || typeof spec.source_service !== "string" || typeof spec.dest_service !== "string") {
      throw new SimRefusal(400, "integration_type, source_service and dest_service are required");
    }
    const source = this.find(project, spec.source_service);
    const dest = this.find(project, spec.dest_service);
    if (spec.integration_type === "disaster_recovery") {
      const existing = [...this.integrations.values()].find(
        (i) => i.integration_type === "disaster_recovery" && [i.source_service, i.dest_service].some((s) => s === source.name || s === dest.name),
      );
      if (existing) throw new SimRefusal(409, "Service already has a disaster_recovery integration");
      if (["hobbyist", "free", "developer"].includes(source.plan.split("-")[0])) {
        throw new SimRefusal(400, "Disaster recovery requires a Startup plan or higher");
      }
      source.role = "active";
      dest.role = "passive";
      this.transition(dest, this.delays.rebuildMs, { state: "REBUILDING" }, { state: "RUNNING" });
    }
    const integration = {
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
    return publicIntegration(integration);
  }

  deleteIntegration(project: string, id: string): void {
    this.getIntegration(project, id);
    this.integrations.delete(id);
  }

  private changeRole(service: SimService, requested: unknown): void {
    if (typeof requested !== "string" || !(DR_ROLES as readonly string[]).includes(requested)) {
      throw new SimRefusal(400, `Invalid disaster_recovery_role ${JSON.stringify(requested)}; expected one of ${DR_ROLES.join(", ")}`);
    }
    const role = requested as DrRole;
    const link = this.drLinkOf(service);
    if (!link) throw new SimRefusal(400, `Service ${service.name} is not part of a disaster recovery setup`);
    const peer = link.peer;
    this.settle(peer);
    if (service.role === role) return; // already there: nothing to do

    if (role === "failed") {
      if (!link.isPrimary) throw new SimRefusal(400, "Only the primary service can be failed");
      if (peer.role !== "passive") throw new SimRefusal(409, `Recovery service ${peer.name} is not passive`);
      service.role = "failed";
      service.state = "POWEROFF";
      service.pending = [];
      this.transition(peer, this.delays.failoverMs, {}, { state: "RUNNING", role: "active" });
      return;
    }
    if (role === "passive") {
      if (service.role !== "failed") throw new SimRefusal(409, `Service ${service.name} is ${service.role}; only a failed primary can be recreated as passive`);
      if (peer.role !== "active") throw new SimRefusal(409, `Peer ${peer.name} is not active`);
      service.role = "passive";
      this.transition(service, this.delays.rebuildMs, { state: "REBUILDING" }, { state: "RUNNING" });
      return;
    }
    // role === "active": a takeover by a passive, fully built peer.
    if (service.role !== "passive" || service.state !== "RUNNING") {
      throw new SimRefusal(409, `Service ${service.name} is ${service.state}/${service.role}; only a RUNNING passive service can become active`);
    }
    if (peer.role !== "active" || peer.state !== "RUNNING") throw new SimRefusal(409, `Peer ${peer.name} is not RUNNING/active`);
    service.role = "active";
    peer.role = "passive";
    const delay = link.isPrimary ? this.delays.rebalanceMs : this.delays.switchoverMs;
    this.transition(peer, delay, { state: "REBALANCING" }, { state: "RUNNING" });
  }

  /** Applies `first` now and `then` after `delayMs` (both at once when the delay is 0). */
  private transition(service: SimService, delayMs: number, first: { state?: string; role?: DrRole }, then: { state?: string; role?: DrRole }): void {
    service.pending = [];
    if (delayMs <= 0) {
      Object.assign(service, first, then);
      return;
    }
    Object.assign(service, first);
    service.pending.push({ at: this.now() + delayMs, ...then });
  }

  private drLinkOf(service: SimService): { peer: SimService; isPrimary: boolean } | undefined {
    const link = [...this.integrations.values()].find(
      (i) => i.project === service.project && i.integration_type === "disaster_recovery" && (i.source_service === service.name || i.dest_service === service.name),
    );
    if (!link) return undefined;
    const isPrimary = link.source_service === service.name;
    return { peer: this.find(service.project, isPrimary ? link.dest_service : link.source_service), isPrimary };
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
      const { at: _at, ...change } = service.pending.shift()!;
      Object.assign(service, change);
    }
  }

  private render(service: SimService): AivenService {
    return {
      service_name: service.name,
      service_type: "pg",
      state: service.state,
      plan: service.plan,
      cloud_name: service.cloud,
      ...(service.role ? { disaster_recovery_role: service.role } : {}),
      service_integrations: this.listIntegrations(service.project, service.name),
      components: [
        { component: "pg", host: `${service.name}-${service.project}.sim.local`, port: 5432, usage: "primary" },
        ...(service.role ? [{ component: "pg", host: `dr-${service.name}.sim.local`, port: 5432, usage: "disaster_recovery" }] : []),
      ],
    };
  }
}

function key(project: string, name: string): string {
  return `${project}/${name}`;
}

function publicIntegration(i: AivenServiceIntegration & { project?: string }): AivenServiceIntegration {
  const { project: _project, ...rest } = i;
  return { ...rest };
}
