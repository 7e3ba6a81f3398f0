import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Pg, PgConfig } from "../../.gen/providers/aiven/pg";
import { ServiceIntegration } from "../../.gen/providers/aiven/service-integration";
import { CrdrPairProps, ResolvedPairProps, resolvePairProps } from "./crdr-pair-props";
import { PAIR_MANIFEST_KEY, PairManifest } from "../contract/pair-manifest";
import { APPLICATION_OUTPUTS } from "./application-outputs";
import { pendingImportsOf } from "../phase/phase-record";
import { layoutFor, PhaseLayout, ResourceLayout } from "../phase/phase-layout";
import { assertValid, pairProblems } from "./validation/validate";

/**
 * The Terraform names of a pair's resources. They are a contract: state files
 * hold these addresses and the failover tooling acts on them, so renaming one
 * would make Terraform plan to replace a database. Never change them.
 */
export const PAIR_RESOURCE_NAMES = {
  primary: "primary",
  recovery: "recovery",
  integration: "disaster_recovery",
} as const;

const MARK = Symbol.for("aiven-pg-crdr.CrdrPair");

/**
 * An Aiven for PostgreSQL cross-region disaster recovery pair: a primary
 * `aiven_pg`, a recovery `aiven_pg` in another region, and the
 * `disaster_recovery` `aiven_service_integration` from the primary to the
 * recovery service. What is declared depends on the pair's DR phase.
 *
 * The resources get pinned addresses (`aiven_pg.primary`, `aiven_pg.recovery`,
 * `aiven_service_integration.disaster_recovery`), so a stack holds one pair.
 */
export class CrdrPair extends Construct {
  static isCrdrPair(x: unknown): x is CrdrPair {
    return typeof x === "object" && x !== null && MARK in x;
  }

  readonly props: ResolvedPairProps;
  readonly layout: PhaseLayout;
  /** Absent when the phase has forgotten the primary. */
  readonly primary?: Pg;
  readonly recovery?: Pg;
  /** Absent outside the `normal` phase. */
  readonly integration?: ServiceIntegration;
  readonly manifest: PairManifest;

  constructor(scope: Construct, id: string, props: CrdrPairProps) {
    super(scope, id);
    Object.defineProperty(this, MARK, { value: true });
    this.props = resolvePairProps(props);
    assertValid(pairProblems(this.props));

    const stack = TerraformStack.of(this);
    const other = stack.node.findAll().find((c) => c !== this && CrdrPair.isCrdrPair(c));
    if (other) {
      throw new Error(
        `Stack "${stack.node.id}" already holds the CRDR pair "${other.node.path}"; declare each pair in its own stack.`,
      );
    }

    this.layout = layoutFor(this.props.phase);
    const removed: string[] = [];

    this.primary = this.declareService("primary", this.layout.primary, removed);
    this.recovery = this.declareService("recovery", this.layout.recovery, removed);

    const integrationAddress = `${ServiceIntegration.tfResourceType}.${PAIR_RESOURCE_NAMES.integration}`;
    if (this.layout.integration === "forgotten") {
      removed.push(integrationAddress);
    } else if (this.primary && this.recovery) {
      this.integration = new ServiceIntegration(this, PAIR_RESOURCE_NAMES.integration, {
        project: this.props.project,
        integrationType: "disaster_recovery",
        sourceServiceName: this.primary.serviceName,
        destinationServiceName: this.recovery.serviceName,
        dependsOn: [this.primary, this.recovery],
        lifecycle: this.layout.integration === "frozen" ? { ignoreChanges: "all", preventDestroy: true } : undefined,
      });
      this.integration.overrideLogicalId(PAIR_RESOURCE_NAMES.integration);
    }

    const imports = pendingImportsOf(this.props.phase);
    if (imports.length) {
      // Import blocks (Terraform ≥ 1.5) let the plan show the imports for
      // review. Written as JSON rather than with importFrom(), which would make
      // every synth run `terraform version`.
      stack.addOverride(
        "import",
        imports.map((i) => ({ to: i.address, id: i.id })),
      );
    }

    if (removed.length) {
      // Terraform forgets these objects instead of destroying them, and the
      // plan shows it. All entries go in one array: overrides replace arrays.
      stack.addOverride(
        "removed",
        removed.map((from) => ({ from, lifecycle: { destroy: false } })),
      );
    }

    this.manifest = {
      version: 1,
      stack: stack.node.id,
      project: this.props.project,
      phase: this.props.phase,
      ...(this.props.tier !== undefined ? { tier: this.props.tier } : {}),
      primary: this.peerManifest("primary"),
      recovery: this.peerManifest("recovery"),
      integration: {
        integrationType: "disaster_recovery",
        address: integrationAddress,
        layout: this.layout.integration,
      },
      applicationOutputs: APPLICATION_OUTPUTS,
      ...(this.props.maxDataLoss !== undefined ? { maxDataLoss: this.props.maxDataLoss } : {}),
    };
    stack.addOverride(`//.${PAIR_MANIFEST_KEY}`, this.manifest);
  }

  private peerManifest(side: "primary" | "recovery") {
    return {
      serviceName: this.props[side].serviceName,
      cloudName: this.props[side].cloudName,
      plan: this.props[side].plan,
      address: `${Pg.tfResourceType}.${PAIR_RESOURCE_NAMES[side]}`,
      layout: this.layout[side],
    };
  }

  private declareService(side: "primary" | "recovery", layout: ResourceLayout, removed: string[]): Pg | undefined {
    if (layout === "forgotten") {
      removed.push(`${Pg.tfResourceType}.${PAIR_RESOURCE_NAMES[side]}`);
      return undefined;
    }
    const p = this.props;
    const peer = p[side];
    const userConfig =
      p.pgUserConfig || p.pgVersion
        ? { ...p.pgUserConfig, ...(p.pgVersion ? { pgVersion: p.pgVersion } : {}) }
        : undefined;
    const config: PgConfig = {
      project: p.project,
      serviceName: peer.serviceName,
      cloudName: peer.cloudName,
      plan: peer.plan,
      maintenanceWindowDow: peer.maintenanceWindow?.dow,
      maintenanceWindowTime: peer.maintenanceWindow?.time,
      terminationProtection: p.terminationProtection,
      pgUserConfig: userConfig,
      tag: Object.keys(p.tags).length
        ? Object.entries(p.tags)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([key, value]) => ({ key, value }))
        : undefined,
      timeouts: { create: p.createTimeout },
      // A frozen service must never be updated: every aiven_pg update sends
      // `powered: true`, which would power a failed primary back on.
      lifecycle: layout === "frozen" ? { ignoreChanges: "all", preventDestroy: true } : undefined,
    };
    const service = new Pg(this, PAIR_RESOURCE_NAMES[side], config);
    service.overrideLogicalId(PAIR_RESOURCE_NAMES[side]);
    return service;
  }
}
