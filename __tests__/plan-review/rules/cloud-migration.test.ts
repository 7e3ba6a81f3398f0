import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { cloudMigration } from "../../../lib/plan-review/rules/cloud-migration";
import { context, PG_PRIMARY, PG_RECOVERY, plan } from "../../support/plan-builder";

describe("rule cloud-migration", () => {
  it("warns on a cloud_name change, and says when it lands in the peer's region", () => {
    const p = plan([
      {
        address: "aiven_pg.primary",
        actions: ["update"],
        before: PG_PRIMARY,
        after: { ...PG_PRIMARY, cloud_name: "google-europe-north1" },
      },
    ]);
    expect(cloudMigration.evaluate(p, context())).toEqual([
      expect.objectContaining({
        severity: "warning",
        message:
          "aiven_pg.primary migrates from google-europe-west1 to google-europe-north1, the region of its DR peer",
      }),
    ]);
  });

  it("is compliant when the cloud stays, and does not apply to creates", () => {
    expect(
      cloudMigration.evaluate(
        plan([
          {
            address: "aiven_pg.primary",
            actions: ["update"],
            before: PG_PRIMARY,
            after: { ...PG_PRIMARY, plan: "startup-8" },
          },
        ]),
        context(),
      ),
    ).toEqual([]);
    expect(
      cloudMigration.evaluate(
        plan([{ address: "aiven_pg.primary", actions: ["create"], after: PG_PRIMARY }]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule cloud-migration, in full", () => {
  const WHY =
    "A cloud_name change is a live migration with a DNS switch; for a DR pair both peers in one region means no cross-region recovery.";
  const migrate = (address: string, actions: string[], from: Record<string, unknown>, to: string) =>
    plan([{ address, actions, before: from, after: { ...from, cloud_name: to } }]);

  it("names the move, the pair and why, without the peer's region when it lands elsewhere", () => {
    expect(
      cloudMigration.evaluate(migrate("aiven_pg.recovery", ["update"], PG_RECOVERY, "aws-eu-west-1"), context()),
    ).toEqual([
      {
        rule: "cloud-migration",
        severity: "warning",
        address: "aiven_pg.recovery",
        stack: "pg-primary",
        message: "aiven_pg.recovery migrates from google-europe-north1 to aws-eu-west-1",
        why: WHY,
      },
    ]);
    expect(
      (
        cloudMigration.evaluate(
          migrate("aiven_pg.recovery", ["delete", "create"], PG_RECOVERY, "google-europe-west1"),
          context(),
        ) as any[]
      ).map((f) => f.message),
    ).toEqual([
      "aiven_pg.recovery migrates from google-europe-north1 to google-europe-west1, the region of its DR peer",
    ]);
  });

  it("warns about a service of no pair too, without a pair or a peer", () => {
    const analytics = { ...PG_PRIMARY, service_name: "analytics" };
    expect(
      cloudMigration.evaluate(migrate("aiven_pg.analytics", ["update"], analytics, "google-europe-north1"), context()),
    ).toEqual([
      {
        rule: "cloud-migration",
        severity: "warning",
        address: "aiven_pg.analytics",
        message: "aiven_pg.analytics migrates from google-europe-west1 to google-europe-north1",
        why: WHY,
      },
    ]);
  });

  it("says nothing when either side's cloud is not known, and does not apply to another resource type", () => {
    const { cloud_name: _c, ...noCloud } = PG_PRIMARY;
    const unknownBefore = plan([
      { address: "aiven_pg.primary", actions: ["update"], before: noCloud, after: PG_PRIMARY },
    ]);
    expect(cloudMigration.evaluate(unknownBefore, context())).toEqual([]);
    const unknownAfter = plan([
      { address: "aiven_pg.primary", actions: ["update"], before: PG_PRIMARY, after: noCloud },
    ]);
    expect(cloudMigration.evaluate(unknownAfter, context())).toEqual([]);
    const redis = { ...PG_PRIMARY, service_name: "cache" };
    expect(cloudMigration.evaluate(migrate("aiven_redis.cache", ["update"], redis, "aws-eu-west-1"), context())).toBe(
      NOT_APPLICABLE,
    );
  });
});
