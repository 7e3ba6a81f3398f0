import { context, DR_LINK, PG_PRIMARY, PG_RECOVERY, plan } from "../support/plan-builder";

const located = (change: Parameters<typeof plan>[0][number], planStack?: string) => {
  const l = context({ phase: "normal" }, planStack).locate(plan([change]).changes[0]);
  return l && { stack: l.pair.stack, side: l.side };
};

describe("which pair a resource belongs to", () => {
  it("is decided by the service name, wherever the resource is declared", () => {
    expect(
      located({ address: "module.legacy.aiven_pg.db", actions: ["update"], before: PG_PRIMARY, after: PG_PRIMARY }),
    ).toEqual({ stack: "pg-primary", side: "primary" });
    expect(located({ address: "aiven_pg.recovery", actions: ["delete"], before: PG_RECOVERY })).toEqual({
      stack: "pg-primary",
      side: "recovery",
    });
  });

  it("is none for another service, even at a pinned address in the plan's own stack", () => {
    const other = { ...PG_PRIMARY, service_name: "pg-other" };
    expect(
      located({ address: "module.other.aiven_pg.primary", actions: ["delete"], before: other }, "pg-primary"),
    ).toBeUndefined();
    expect(
      located({ address: "aiven_pg.primary", actions: ["update"], before: other, after: other }, "pg-primary"),
    ).toBeUndefined();
  });

  it("is none for a service of the same name in another project", () => {
    expect(
      located(
        {
          address: "aiven_pg.primary",
          actions: ["update"],
          before: { ...PG_PRIMARY, project: "elsewhere" },
          after: { ...PG_PRIMARY, project: "elsewhere" },
        },
        "pg-primary",
      ),
    ).toBeUndefined();
  });

  it("recognizes the pair's object under a replace that renames it, by the name it had", () => {
    expect(
      located({
        address: "aiven_pg.primary",
        actions: ["delete", "create"],
        before: PG_PRIMARY,
        after: { ...PG_PRIMARY, service_name: "pg-renamed" },
      }),
    ).toEqual({ stack: "pg-primary", side: "primary" });
  });

  it("knows the DR link by its two ends, either way round", () => {
    expect(
      located({ address: "aiven_service_integration.x", actions: ["update"], before: DR_LINK, after: DR_LINK }),
    ).toEqual({ stack: "pg-primary", side: "integration" });
    const reversed = { ...DR_LINK, source_service_name: "pg-primary-dr", destination_service_name: "pg-primary" };
    expect(
      located({ address: "aiven_service_integration.x", actions: ["update"], before: reversed, after: reversed }),
    ).toEqual({ stack: "pg-primary", side: "integration" });
    const otherLink = { ...DR_LINK, destination_service_name: "pg-other" };
    expect(
      located(
        { address: "aiven_service_integration.disaster_recovery", actions: ["delete"], before: otherLink },
        "pg-primary",
      ),
    ).toBeUndefined();
  });

  it("falls back to the pinned address in the plan's own stack only when the plan carries no values", () => {
    expect(located({ address: "aiven_pg.primary", actions: ["delete"], before: {} }, "pg-primary")).toEqual({
      stack: "pg-primary",
      side: "primary",
    });
    expect(
      located(
        {
          address: "aiven_pg.primary",
          actions: ["delete"],
          before: PG_PRIMARY,
          before_sensitive: { service_name: true },
        },
        "pg-primary",
      ),
    ).toEqual({ stack: "pg-primary", side: "primary" });
    expect(
      located({ address: "module.other.aiven_pg.primary", actions: ["delete"], before: {} }, "pg-primary"),
    ).toBeUndefined();
    expect(located({ address: "aiven_pg.primary", actions: ["delete"], before: {} })).toBeUndefined();
  });

  it("reads objects in state the same way", () => {
    const prior = {
      prior_state: {
        format_version: "1.0",
        values: {
          root_module: {
            resources: [
              {
                address: "aiven_pg.primary",
                mode: "managed",
                type: "aiven_pg",
                values: { ...PG_PRIMARY, service_name: "pg-other" },
                sensitive_values: {},
              },
              {
                address: "module.x.aiven_pg.y",
                mode: "managed",
                type: "aiven_pg",
                values: PG_RECOVERY,
                sensitive_values: {},
              },
            ],
          },
        },
      },
    };
    const ctx = context({ phase: "normal" }, "pg-primary");
    const [foreign, recovery] = plan([], prior).prior;
    expect(ctx.locate(foreign)).toBeUndefined();
    expect(ctx.locate(recovery)).toMatchObject({ side: "recovery" });
  });
});
