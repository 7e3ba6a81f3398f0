import * as fs from "fs";
import * as net from "net";
import { AivenClient } from "../lib/aiven/aiven-client";
import { PairLocation, PeerSource, ServiceByServicePeerSource } from "../lib/aiven/peer-source";
import { Peers } from "../lib/aiven/peer-status";
import { failover } from "../lib/operations/failover";
import { CommonOptions, OperationDeps } from "../lib/operations/operation-inputs";
import { CapturingReporter } from "../lib/reporting/capturing-reporter";
import { SimServer } from "../lib/simulator/sim-server";
import { ProjectFixture, STACK } from "./support/project-fixture";
import { RecordingTerraform } from "./support/recording-terraform";
import { UserError } from "../lib/user-error";
import { waitFor } from "./support/wait-for";
import { freshPairSimulator } from "./support/fresh-pair-simulator";

/**
 * A failover reads both peers while the preflight's Terraform checks run,
 * so its role change leaves as soon as the slower of the two is done; it
 * still sends nothing until every check has passed. Each race is held at a
 * known point (a gate the test opens), never timed.
 */
const TOKEN = "tok-side-by-side-71c2";
const ALL = ["aiven_pg.primary", "aiven_pg.recovery", "aiven_service_integration.disaster_recovery"];
const options = {
  stack: STACK,
  dryRun: false,
  yes: true,
  timeoutMs: 10_000,
  pollIntervalMs: 20,
  lostAnswerGraceMs: 300,
  primaryUnreachable: false,
  stateOnly: false,
  force: false,
} satisfies CommonOptions & Record<string, unknown>;

/** Something held until the test opens it. */
class Gate {
  open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));
}

/** Terraform whose `state pull` (the preflight's proof of ownership) waits at a gate. */
class HeldPullTerraform extends RecordingTerraform {
  pulling = false;
  pulled = false;
  readonly gate = new Gate();
  override async statePull(): Promise<string> {
    this.pulling = true;
    await this.gate.opened;
    this.pulled = true;
    return super.statePull();
  }
}

/** Terraform whose version check waits at a gate, then accepts or refuses the binary. */
class HeldVersionTerraform extends RecordingTerraform {
  readonly gate = new Gate();
  refuse?: string;
  override async checkVersion(): Promise<string> {
    const version = super.checkVersion();
    await this.gate.opened;
    if (this.refuse) throw new UserError(this.refuse);
    return version;
  }
}

/** The pair's reads, the first of them held at a gate; `asked` and `answered` say where it stands. */
class HeldPeerSource implements PeerSource {
  asked = false;
  answered = false;
  readonly gate = new Gate();
  constructor(
    private readonly inner: PeerSource,
    private readonly rename: (pair: PairLocation) => PairLocation = (pair) => pair,
  ) {}
  async read(pair: PairLocation): Promise<Peers> {
    this.asked = true;
    await this.gate.opened;
    const peers = await this.inner.read(this.rename(pair));
    this.answered = true;
    return peers;
  }
}

let project: ProjectFixture;
let sim: SimServer;
let client: AivenClient;
let terraform: HeldPullTerraform;
let deps: OperationDeps;

beforeAll(() => {
  project = ProjectFixture.create();
  project.synth();
});
afterAll(() => project.remove());

beforeEach(async () => {
  let url: string;
  ({ sim, url } = await freshPairSimulator(project, TOKEN));
  client = new AivenClient({ baseUrl: url, token: TOKEN, backoffMs: 10, timeoutMs: 500 });
  terraform = new HeldPullTerraform(project.stack().workingDirectory, ALL);
  deps = {
    projectDir: project.dir,
    env: { ...process.env, AIVEN_TOKEN: TOKEN },
    client,
    reporter: new CapturingReporter(),
    terraform: terraform.factory(),
  };
});
afterEach(async () => {
  // Whatever a test left held is let go, so no run outlives it.
  terraform.gate.open();
  await sim.stop();
});

describe("a failover's checks before the trigger", () => {
  it("reads both peers while Terraform's checks run, and sends the one role change only once both are done", async () => {
    const peers = new HeldPeerSource(new ServiceByServicePeerSource(client));
    const run = failover(options, { ...deps, peers });

    // Terraform reaches its state read while the peers' read is still held: neither waits for the other.
    await waitFor(() => terraform.pulling && peers.asked);
    expect(peers.answered).toBe(false);
    peers.gate.open();
    // The peers are read while Terraform is still held: nothing goes to Aiven before its checks pass.
    await waitFor(() => peers.answered);
    expect(terraform.pulled).toBe(false);
    expect(sim.apiCalls("PUT")).toEqual([]);

    terraform.gate.open();
    await expect(run).resolves.toMatchObject({ triggered: true });
    expect(sim.apiCalls("PUT").map((c) => c.path)).toEqual(["/v1/project/crdr-test/service/pg-primary"]);
    // One init and one state read before the trigger; the second pull, after it, both says what state holds and is the backup before the state write.
    expect(terraform.calls).toEqual([
      "version",
      "init",
      "state pull",
      "state rm -dry-run aiven_service_integration.disaster_recovery",
      "state pull",
      "state rm aiven_service_integration.disaster_recovery",
    ]);
  });

  it("reads the standby's replication while Terraform's checks are still held, and sends only once they pass", async () => {
    // Where the recovery's standby listens: a server that notes each connection and closes it (no PostgreSQL here).
    const connections: net.Socket[] = [];
    const standby = net.createServer((socket) => {
      connections.push(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => standby.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = standby.address() as net.AddressInfo;
      const { project: aivenProject, recovery } = project.stack().pair;
      const endpoint = { host: "127.0.0.1", port, user: "u", password: "p", dbname: "d", sslmode: "disable" };
      sim.model.attachDatabase(aivenProject, recovery.serviceName, endpoint, async () => undefined);
      const run = failover(options, deps);
      await waitFor(() => terraform.pulling && connections.length > 0);
      expect(terraform.pulled).toBe(false);
      expect(sim.apiCalls("PUT")).toEqual([]);
      terraform.gate.open();
      await expect(run).resolves.toMatchObject({ triggered: true });
      // The one reading taken beside the checks is the one the data-loss check used.
      expect(connections).toHaveLength(1);
      expect(sim.apiCalls("PUT").map((c) => c.path)).toEqual(["/v1/project/crdr-test/service/pg-primary"]);
    } finally {
      await new Promise((resolve) => standby.close(resolve));
    }
  });

  it("sends nothing when a Terraform check fails after both peers were read", async () => {
    const peers = new HeldPeerSource(new ServiceByServicePeerSource(client));
    peers.gate.open();
    const run = failover(options, { ...deps, peers });
    await waitFor(() => terraform.pulling && peers.answered);
    terraform.lockHeldBy = "alice@laptop";
    terraform.gate.open();

    await expect(run).rejects.toThrow("The Terraform state is locked, held by alice@laptop");
    expect(sim.apiCalls("PUT")).toEqual([]);
    expect(terraform.state).toEqual(ALL);
    expect(fs.existsSync(project.phaseFile())).toBe(false);
  });

  it("refuses on a failed peer read only once Terraform's checks have finished, sending nothing", async () => {
    // The recovery service read under a name Aiven does not know: a refusal, with Terraform still at its state read.
    const peers = new HeldPeerSource(new ServiceByServicePeerSource(client), (pair) => ({
      ...pair,
      recovery: { serviceName: "pg-nowhere" },
    }));
    peers.gate.open();
    const run = failover(options, { ...deps, peers });
    let settledWhileTerraformHeld: boolean | undefined;
    run.catch(() => (settledWhileTerraformHeld ??= !terraform.pulled));
    await waitFor(() => terraform.pulling && peers.answered);
    expect(settledWhileTerraformHeld).toBeUndefined();
    terraform.gate.open();

    await expect(run).rejects.toThrow(/^Aiven has no service "pg-primary-dr" in project "crdr-test"/);
    expect(settledWhileTerraformHeld).toBe(false);
    expect(terraform.calls).toContain("state rm -dry-run aiven_service_integration.disaster_recovery");
    expect(sim.apiCalls("PUT")).toEqual([]);
  });

  it("with the backend set up by an earlier init, reads and locks the state while the version check is still held", async () => {
    const stack = project.stack();
    const cache = `${stack.workingDirectory}/.terraform`;
    const [[type, config]] = Object.entries(stack.json.terraform!.backend!);
    fs.mkdirSync(cache, { recursive: true });
    fs.writeFileSync(`${cache}/terraform.tfstate`, JSON.stringify({ backend: { type, config } }));
    try {
      const held = new HeldVersionTerraform(stack.workingDirectory, ALL);
      const run = failover(options, { ...deps, terraform: held.factory() });
      await waitFor(() => held.calls.includes("state rm -dry-run aiven_service_integration.disaster_recovery"));
      expect(held.calls).toEqual([
        "version",
        "state pull",
        "state rm -dry-run aiven_service_integration.disaster_recovery",
      ]);
      expect(sim.apiCalls("PUT")).toEqual([]);
      held.gate.open();
      await expect(run).resolves.toMatchObject({ triggered: true });
      expect(held.calls.filter((c) => c === "init")).toEqual([]);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it("runs no init before the binary's version is accepted, and sends nothing when it is refused", async () => {
    const held = new HeldVersionTerraform(project.stack().workingDirectory, ALL);
    const peers = new HeldPeerSource(new ServiceByServicePeerSource(client));
    peers.gate.open();
    const run = failover(options, { ...deps, peers, terraform: held.factory() });
    // The stack's backend is not set up yet, so an init is due: it waits while the version check is held.
    await waitFor(() => held.calls.includes("version") && peers.answered);
    expect(held.calls).toEqual(["version"]);
    held.refuse = "terraform 1.4.0 is older than 1.11.0, which this stack needs";
    held.gate.open();

    await expect(run).rejects.toThrow("terraform 1.4.0 is older than 1.11.0, which this stack needs");
    expect(held.calls).toEqual(["version"]);
    expect(sim.apiCalls("PUT")).toEqual([]);
  });
});
