import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { cloudMigration } from "../../../lib/plan-review/rules/cloud-migration";
import { context, PG_PRIMARY, plan } from "../../support/plan-builder";

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
