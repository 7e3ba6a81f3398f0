import { AivenService } from "../../lib/aiven/aiven-types";
import { assertCaughtUp, guardFailover } from "../../lib/rpo/data-loss-guard";
import { estimateDataLoss } from "../../lib/rpo/data-loss-estimate";
import { objectiveFor } from "../../lib/rpo/data-loss-objective";
import { RecoveryMeasurement } from "../../lib/rpo/recovery-measurement";
import { formatReplication } from "../../lib/rpo/replication-line";
import { ReplicationFigures } from "../../lib/rpo/replication-reading";
import { standbyAddressOf } from "../../lib/rpo/standby-address";
import { PairManifest } from "../../lib/contract/pair-manifest";

const streaming: ReplicationFigures = {
  at: "2026-01-01T00:00:00.000Z",
  receiverStatus: "streaming",
  lastHeardMs: 3000,
  replayBacklogBytes: 0,
  newestReplayedAgeMs: 2000,
  receiveGapBytes: 0,
};

describe("the data-loss estimate", () => {
  it("is the time since the standby last heard from the primary when it had received all the primary reported", () => {
    expect(estimateDataLoss(streaming)).toMatchObject({ known: true, atMostMs: 3000 });
  });

  it("counts WAL waiting to replay as received, not lost", () => {
    expect(
      estimateDataLoss({ ...streaming, replayBacklogBytes: 5_000_000, newestReplayedAgeMs: 60_000 }),
    ).toMatchObject({ known: true, atMostMs: 3000 });
  });

  it("falls back to the newest replayed transaction's age (never less than the silence) when the standby was behind at last contact", () => {
    expect(estimateDataLoss({ ...streaming, receiveGapBytes: 8192, newestReplayedAgeMs: 9000 })).toMatchObject({
      known: true,
      atMostMs: 9000,
    });
    expect(estimateDataLoss({ ...streaming, receiveGapBytes: 8192, newestReplayedAgeMs: 1000 })).toMatchObject({
      known: true,
      atMostMs: 3000,
    });
  });

  it("falls back to the newest replayed transaction's age with no WAL receiver, and is unknown with nothing replayed either", () => {
    const cut = { ...streaming, receiverStatus: null, lastHeardMs: null, receiveGapBytes: null };
    expect(estimateDataLoss({ ...cut, newestReplayedAgeMs: 42_000 })).toMatchObject({ known: true, atMostMs: 42_000 });
    expect(estimateDataLoss({ ...cut, newestReplayedAgeMs: null })).toMatchObject({ known: false });
  });

  it("is printed in one line", () => {
    expect(formatReplication("pg-primary-dr", streaming)).toBe(
      "pg-primary-dr last heard from the primary 3s ago; 0 B waiting to replay; newest replayed transaction 2s old",
    );
    expect(formatReplication("pg-primary-dr", { ...streaming, replayBacklogBytes: 12_345 })).toContain(
      "12 kB waiting to replay",
    );
  });
});

describe("the guard", () => {
  const measured = (atMostMs: number): RecoveryMeasurement => ({
    service: "pg-primary-dr",
    figures: streaming,
    estimate: { known: true, atMostMs, basis: "b" },
    line: "l",
  });
  const unknown: RecoveryMeasurement = {
    service: "pg-primary-dr",
    estimate: { known: false, reason: "connect ECONNREFUSED" },
    line: "pg-primary-dr: replication unknown",
  };
  const objective = { maxMs: 30_000, source: "the pair's maxDataLoss" };

  it("only reports without an objective, even when nothing could be measured", () => {
    expect(guardFailover(unknown, undefined, false)).toEqual({ kind: "report-only" });
  });

  it("lets a failover within the objective go", () => {
    expect(guardFailover(measured(30_000), objective, false)).toMatchObject({ kind: "within" });
  });

  it("refuses above the objective, or unmeasurable, with the figure, unless the loss is accepted", () => {
    expect(() => guardFailover(measured(31_000), objective, false)).toThrow(
      /^Not failing over: pg-primary-dr: up to 31s of the primary's writes could be lost, above the objective of 30s \(the pair's maxDataLoss\); nothing was changed\./,
    );
    expect(() => guardFailover(unknown, objective, false)).toThrow(
      /cannot be measured \(connect ECONNREFUSED\), and the objective is 30s/,
    );
    expect(guardFailover(measured(31_000), objective, true)).toMatchObject({
      kind: "accepted",
      why: expect.stringContaining("31s"),
    });
  });

  it("lets a switchover go only from a streaming, caught-up standby", () => {
    expect(() => assertCaughtUp(measured(0), "switchover")).not.toThrow();
    expect(() =>
      assertCaughtUp({ ...measured(0), figures: { ...streaming, receiverStatus: "waiting" } }, "switchover"),
    ).toThrow(/its WAL receiver is waiting/);
    expect(() =>
      assertCaughtUp({ ...measured(0), figures: { ...streaming, receiveGapBytes: 10 } }, "switchover"),
    ).toThrow(/had not received all/);
    expect(() => assertCaughtUp(unknown, "switchover")).toThrow(/needs a standby shown streaming and caught up/);
  });
});

describe("the objective a run applies", () => {
  const pair = { stack: "pg-primary", maxDataLoss: "30s" } as PairManifest;
  it("is --max-data-loss when given, else the manifest's maxDataLoss, else none", () => {
    expect(objectiveFor(pair, 5000)).toEqual({ maxMs: 5000, source: "--max-data-loss" });
    expect(objectiveFor(pair, undefined)).toEqual({ maxMs: 30_000, source: "the pair's maxDataLoss" });
    expect(objectiveFor({ stack: "pg-primary" } as PairManifest, undefined)).toBeUndefined();
  });
});

describe("where the standby is reached, from the Aiven service record", () => {
  const record = (extra: Partial<AivenService>): AivenService => ({
    service_name: "pg-primary-dr",
    state: "RUNNING",
    plan: "startup-4",
    cloud_name: "google-europe-north1",
    ...extra,
  });
  const params = {
    host: "shared.aivencloud.com",
    port: "12691",
    user: "avnadmin",
    password: "s3cret-pass",
    dbname: "defaultdb",
    sslmode: "require",
  };

  it("takes its own disaster_recovery pg component (dynamic route first) and the shared credentials", () => {
    const found = standbyAddressOf(
      record({
        service_uri_params: params,
        components: [
          { component: "pg", host: "public-dr.aivencloud.com", port: 1, route: "public", usage: "disaster_recovery" },
          { component: "pg", host: "dr.aivencloud.com", port: 2, route: "dynamic", usage: "disaster_recovery" },
          { component: "pg", host: "shared.aivencloud.com", port: 12691, route: "dynamic", usage: "primary" },
        ],
      }),
    );
    expect(found).toMatchObject({
      found: true,
      address: { host: "dr.aivencloud.com", port: 2, user: "avnadmin", database: "defaultdb", sslmode: "require" },
    });
  });

  it("falls back to service_uri_params without such a component, and finds nothing without credentials", () => {
    expect(standbyAddressOf(record({ service_uri_params: params }))).toMatchObject({
      found: true,
      address: { host: "shared.aivencloud.com", port: 12691, from: "service_uri_params" },
    });
    expect(
      standbyAddressOf(record({ components: [{ component: "pg", host: "h", port: 1, usage: "disaster_recovery" }] })),
    ).toMatchObject({ found: false });
  });
});
