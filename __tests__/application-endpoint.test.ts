import { AivenApiError } from "../lib/aiven/aiven-api-error";
import { AivenService } from "../lib/aiven/aiven-types";
import { Peers, PeerStatus } from "../lib/aiven/peer-status";
import { APPLICATION_OUTPUTS } from "../lib/pair/application-outputs";
import { formatApplicationEndpoint } from "../lib/cli/format-status";
import { checkApplicationEndpoint } from "../lib/status/application-endpoint";
import { checkPair } from "../lib/status/pair-status";
import { pairManifest } from "./support/plan-builder";

const PAIR = { ...pairManifest(), applicationOutputs: APPLICATION_OUTPUTS };

function service(name: string, role: string, sharedHost: string, extra: Partial<AivenService> = {}): PeerStatus {
  return {
    reachable: true,
    service: {
      service_name: name,
      state: role === "failed" ? "POWEROFF" : "RUNNING",
      disaster_recovery_role: role,
      plan: "startup-4",
      cloud_name: "google-europe-west1",
      service_uri: `postgres://avnadmin:secret-pw@${sharedHost}:21000/defaultdb?sslmode=require`,
      service_uri_params: {
        host: sharedHost,
        port: "21000",
        user: "avnadmin",
        password: "secret-pw",
        dbname: "defaultdb",
        sslmode: "require",
      },
      service_integrations: [
        {
          service_integration_id: "abc",
          integration_type: "disaster_recovery",
          source_service: "pg-primary",
          dest_service: "pg-primary-dr",
          source_project: "crdr-test",
          dest_project: "crdr-test",
          active: true,
          enabled: true,
        },
      ],
      components: [
        { component: "pg", host: sharedHost, port: 21000, route: "dynamic", usage: "primary" },
        { component: "pg", host: `private-ro-${name}`, port: 21001, route: "private", usage: "disaster_recovery" },
        { component: "pg", host: `ro-${name}`, port: 21001, route: "dynamic", usage: "disaster_recovery" },
        { component: "pgbouncer", host: `pool-ro-${name}`, port: 21002, route: "dynamic", usage: "disaster_recovery" },
      ],
      ...extra,
    },
  };
}
const unreachable: PeerStatus = {
  reachable: false,
  error: new AivenApiError("GET", "/v1/project/crdr-test/service/pg-primary", "network", {
    apiMessage: "ECONNREFUSED",
  }),
};

describe("where applications point", () => {
  it("is the shared endpoint, served by the active peer, with each serving region's read-only endpoint on its dynamic route", () => {
    const peers: Peers = {
      primary: service("pg-primary", "passive", "shared.example"),
      recovery: service("pg-primary-dr", "active", "shared.example"),
    };
    expect(checkApplicationEndpoint(PAIR, peers)).toEqual({
      report: {
        output: "app_uri",
        readWrite: "shared.example:21000",
        servedBy: "recovery",
        readOnly: { primary: "ro-pg-primary:21001", recovery: "ro-pg-primary-dr:21001" },
      },
    });
  });

  it("follows the recovery service's record when the primary is failed or unreadable, and lists no read-only endpoint for a failed region", () => {
    for (const primary of [service("pg-primary", "failed", "shared.example"), unreachable]) {
      const { report } = checkApplicationEndpoint(PAIR, {
        primary,
        recovery: service("pg-primary-dr", "active", "shared.example"),
      });
      expect(report).toEqual({
        output: "app_uri",
        readWrite: "shared.example:21000",
        servedBy: "recovery",
        readOnly: { recovery: "ro-pg-primary-dr:21001" },
      });
    }
  });

  it("says no peer serves it while none is active, and that it is unknown when neither peer can be read", () => {
    const transition = checkApplicationEndpoint(PAIR, {
      primary: service("pg-primary", "passive", "s"),
      recovery: service("pg-primary-dr", "passive", "s"),
    });
    expect(transition.report.servedBy).toBeUndefined();
    const none = checkApplicationEndpoint(PAIR, { primary: unreachable, recovery: unreachable });
    expect(none.report).toEqual({ output: "app_uri", readOnly: {} });
  });

  it("degrades the pair when the peers show different Service URIs, since the application outputs assume one shared URI", () => {
    const peers: Peers = {
      primary: service("pg-primary", "active", "a.example"),
      recovery: service("pg-primary-dr", "passive", "b.example"),
    };
    const report = checkPair(PAIR, { phase: "normal" }, peers);
    expect(report.verdict).toBe("degraded");
    expect(report.findings).toContainEqual({
      level: "degraded",
      message: expect.stringMatching(
        /^the peers show different Service URIs \(primary a\.example:21000, recovery b\.example:21000\)/,
      ),
    });
    expect(
      checkPair(
        PAIR,
        { phase: "normal" },
        {
          primary: service("pg-primary", "active", "a.example"),
          recovery: service("pg-primary-dr", "passive", "a.example"),
        },
      ).findings,
    ).toEqual([]);
  });

  it("names no output for a stack synthesized before the application outputs existed", () => {
    const { applicationOutputs: _names, ...old } = PAIR;
    const { report } = checkApplicationEndpoint(old, {
      primary: service("pg-primary", "active", "s"),
      recovery: service("pg-primary-dr", "passive", "s"),
    });
    expect(report.output).toBeUndefined();
  });

  it("prints host and port only, never the URI or its password", () => {
    const peers: Peers = {
      primary: service("pg-primary", "active", "shared.example"),
      recovery: service("pg-primary-dr", "passive", "shared.example"),
    };
    const report = checkPair(PAIR, { phase: "normal" }, peers);
    const line = formatApplicationEndpoint(report);
    expect(line).toBe(
      "app_uri → shared.example:21000, served by primary pg-primary (active); read-only: primary ro-pg-primary:21001, recovery ro-pg-primary-dr:21001",
    );
    expect(JSON.stringify(report)).not.toContain("secret-pw");
  });
});
