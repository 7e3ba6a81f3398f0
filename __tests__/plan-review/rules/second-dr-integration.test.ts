import { NOT_APPLICABLE } from "../../../lib/plan-review/plan-rule";
import { secondDrIntegration } from "../../../lib/plan-review/rules/second-dr-integration";
import { context, DR_LINK, pairManifest, plan } from "../../support/plan-builder";
import { terraformMadePlan, terraformMadePlanJson } from "../support/terraform-made-plan";
import { parsePlan } from "../../../lib/plan-review/terraform-plan";

/** A plan's prior state holding these DR links (managed aiven_service_integration resources). */
const inState = (...links: Array<{ address: string; values: Record<string, unknown> }>) => ({
  prior_state: {
    format_version: "1.0",
    values: {
      root_module: {
        resources: links.map((l) => ({ ...l, mode: "managed", type: "aiven_service_integration" })),
      },
    },
  },
});

describe("rule second-dr-integration", () => {
  const create = { address: "aiven_service_integration.disaster_recovery", actions: ["create"], after: DR_LINK };

  it("flags a create while another DR integration for the pair stays in state", () => {
    const p = plan([
      create,
      { address: "aiven_service_integration.old_link", actions: ["no-op"], before: DR_LINK, after: DR_LINK },
    ]);
    expect(secondDrIntegration.evaluate(p, context())).toEqual([
      expect.objectContaining({ severity: "danger", message: expect.stringMatching(/already links the pair/) }),
    ]);
  });

  it("flags a create of an integration the phase file says must be imported", () => {
    const phase = {
      phase: "normal" as const,
      operation: "revert" as const,
      pendingImports: [{ address: "aiven_service_integration.disaster_recovery", id: "crdr-test/abc" }],
    };
    expect(secondDrIntegration.evaluate(plan([create]), context(phase))).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/records it as a pending import: Aiven already holds this integration/),
      }),
    ]);
  });

  it("flags a create when prior state already holds a DR link for the pair", () => {
    const prior = {
      prior_state: {
        format_version: "1.0",
        values: {
          root_module: {
            resources: [
              { address: "aiven_service_integration.legacy", type: "aiven_service_integration", values: DR_LINK },
            ],
          },
        },
      },
    };
    expect(secondDrIntegration.evaluate(plan([create], prior), context())).toHaveLength(1);
  });

  it("is compliant for the first link and for an import, and does not apply without creates", () => {
    expect(secondDrIntegration.evaluate(plan([create]), context())).toEqual([]);
    expect(
      secondDrIntegration.evaluate(
        plan([{ ...create, actions: ["no-op"], before: DR_LINK, importing: { id: "crdr-test/abc" } }]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule second-dr-integration, across unrelated pairs", () => {
  it("does not count another pair's DR link", () => {
    const other = { ...DR_LINK, source_service_name: "orders", destination_service_name: "orders-dr" };
    const prior = {
      prior_state: {
        format_version: "1.0",
        values: {
          root_module: {
            resources: [
              {
                address: "module.orders.aiven_service_integration.disaster_recovery",
                type: "aiven_service_integration",
                values: other,
              },
            ],
          },
        },
      },
    };
    const p = plan(
      [{ address: "aiven_service_integration.disaster_recovery", actions: ["create"], after: DR_LINK }],
      prior,
    );
    expect(secondDrIntegration.evaluate(p, context())).toEqual([]);
  });

  it("does not count a link the same plan deletes", () => {
    const p = plan([
      { address: "aiven_service_integration.disaster_recovery", actions: ["create"], after: DR_LINK },
      { address: "aiven_service_integration.old_link", actions: ["delete"], before: DR_LINK },
    ]);
    expect(secondDrIntegration.evaluate(p, context())).toEqual([]);
  });
});

describe("rule second-dr-integration, after a failover (the plan terraform made when the forgotten link is declared again)", () => {
  const recreated = terraformMadePlan("tf-recreate-link-after-failover");

  it.each([
    { phase: "failed-over" as const, primary: "frozen" as const },
    { phase: "failed-over" as const, primary: "forgotten" as const },
  ])("calls re-creating the link the failover forgot a danger (%j)", (phase) => {
    expect(secondDrIntegration.evaluate(recreated, context(phase, "pg-primary"))).toEqual([
      expect.objectContaining({
        severity: "danger",
        address: "aiven_service_integration.disaster_recovery",
        stack: "pg-primary",
        message:
          'aiven_service_integration.disaster_recovery creates a disaster_recovery integration for pg-primary, which is "failed-over": the failover made Terraform forget the pair\'s link, and Aiven still holds it',
        why: expect.stringMatching(
          /^After a failover the DR link is forgotten, not gone: Aiven keeps it for the revert/,
        ),
      }),
    ]);
  });

  it("is compliant for the same create in phase normal, where state holds no link", () => {
    expect(secondDrIntegration.evaluate(recreated, context({ phase: "normal" }, "pg-primary"))).toEqual([]);
  });

  it("names the pair of the link it duplicates when the created link's ends are unknown until apply", () => {
    // The real plan, with the new link's ends unknown until apply and a legacy link of the pair left in state.
    const doc = terraformMadePlanJson("tf-recreate-link-after-failover");
    const link = doc.resource_changes.find(
      (c: { address: string }) => c.address === "aiven_service_integration.disaster_recovery",
    );
    link.change.after = { integration_type: "disaster_recovery", project: "crdr-test" };
    link.change.after_unknown = { source_service_name: true, destination_service_name: true };
    const legacy = {
      address: "aiven_service_integration.legacy",
      mode: "managed",
      type: "aiven_service_integration",
      name: "legacy",
      provider_name: "registry.terraform.io/aiven/aiven",
      schema_version: 0,
      values: DR_LINK,
      sensitive_values: {},
    };
    doc.prior_state.values.root_module.resources.push(legacy);
    const findings = secondDrIntegration.evaluate(
      parsePlan(JSON.stringify(doc), "altered"),
      context({ phase: "normal" }),
    );
    expect(findings).toEqual([
      expect.objectContaining({ stack: "pg-primary", message: expect.stringMatching(/already links the pair/) }),
    ]);
  });
});

describe("rule second-dr-integration, each finding in full and the links it does not count", () => {
  const created = { address: "aiven_service_integration.disaster_recovery", actions: ["create"], after: DR_LINK };
  const ONE_LINK =
    "A pair has one DR link. Aiven refuses or duplicates a second one; after a revert the existing link must be imported (the import block in the synthesized config), not created.";
  const ORDERS = pairManifest("orders", "orders");
  const ORDERS_LINK = { ...DR_LINK, source_service_name: "orders", destination_service_name: "orders-dr" };
  const unknownEnds = { integration_type: "disaster_recovery", project: "crdr-test" };

  it("names the link that already links the pair, and why a second one is a danger", () => {
    const p = plan([
      created,
      // Kept under another address, its ends the other way round.
      {
        address: "aiven_service_integration.old_link",
        actions: ["update"],
        before: { ...DR_LINK, source_service_name: "pg-primary-dr", destination_service_name: "pg-primary" },
        after: { ...DR_LINK, source_service_name: "pg-primary-dr", destination_service_name: "pg-primary" },
      },
    ]);
    expect(secondDrIntegration.evaluate(p, context())).toEqual([
      {
        rule: "second-dr-integration",
        severity: "danger",
        address: "aiven_service_integration.disaster_recovery",
        stack: "pg-primary",
        message:
          "aiven_service_integration.disaster_recovery creates a disaster_recovery integration although aiven_service_integration.old_link already links the pair",
        why: ONE_LINK,
      },
    ]);
    expect(
      secondDrIntegration.evaluate(
        plan([created], inState({ address: "aiven_service_integration.legacy", values: DR_LINK })),
        context(),
      ),
    ).toEqual([
      expect.objectContaining({
        message:
          "aiven_service_integration.disaster_recovery creates a disaster_recovery integration although aiven_service_integration.legacy already links the pair",
        why: ONE_LINK,
      }),
    ]);
  });

  it("says a pending import is already held at Aiven, in full", () => {
    const phase = {
      phase: "normal" as const,
      operation: "revert" as const,
      pendingImports: [{ address: "aiven_service_integration.disaster_recovery", id: "crdr-test/abc" }],
    };
    expect(secondDrIntegration.evaluate(plan([created]), context(phase))).toEqual([
      {
        rule: "second-dr-integration",
        severity: "danger",
        address: "aiven_service_integration.disaster_recovery",
        stack: "pg-primary",
        message:
          "aiven_service_integration.disaster_recovery is created, but the phase file records it as a pending import: Aiven already holds this integration",
        why: ONE_LINK,
      },
    ]);
    // Another address's pending import is not this create's.
    const other = { ...phase, pendingImports: [{ address: "aiven_service_integration.other", id: "crdr-test/abc" }] };
    expect(secondDrIntegration.evaluate(plan([created]), context(other))).toEqual([]);
  });

  it("does not count a link this plan replaces, deletes or forgets, nor the replaced link itself, nor another kind of integration", () => {
    const link = { address: "aiven_service_integration.old_link", values: DR_LINK };
    for (const actions of [["delete"], ["forget"], ["delete", "create"]]) {
      const gone = {
        address: link.address,
        actions,
        before: DR_LINK,
        ...(actions.includes("create") ? { after: { ...DR_LINK, integration_id: "new" } } : {}),
      };
      const findings = secondDrIntegration.evaluate(plan([created, gone], inState(link)), context()) as any[];
      expect({ actions, messages: findings.map((f) => f.message) }).toEqual({ actions, messages: [] });
    }
    const replacedItself = plan(
      [
        {
          address: created.address,
          actions: ["delete", "create"],
          before: DR_LINK,
          after: { ...DR_LINK, integration_id: "new" },
        },
      ],
      inState({ address: created.address, values: DR_LINK }),
    );
    expect(secondDrIntegration.evaluate(replacedItself, context())).toEqual([]);
    const replica = { ...DR_LINK, integration_type: "read_replica" };
    expect(
      secondDrIntegration.evaluate(
        plan(
          [
            created,
            { address: "aiven_service_integration.replica", actions: ["no-op"], before: replica, after: replica },
          ],
          inState({ address: "aiven_service_integration.replica2", values: replica }),
        ),
        context(),
      ),
    ).toEqual([]);
  });

  it("with the created link's ends unknown until apply, counts only links of its own pair", () => {
    const pairs = [pairManifest(), ORDERS];
    const createdUnknown = { ...created, after: unknownEnds };
    // Located by its pinned address in the plan's stack: another pair's link is not a second one.
    const ordersLinkOnly = plan([createdUnknown], inState({ address: "module.orders.link", values: ORDERS_LINK }));
    expect(secondDrIntegration.evaluate(ordersLinkOnly, context({ phase: "normal" }, "pg-primary", pairs))).toEqual([]);
    const ownLink = plan([createdUnknown], inState({ address: "aiven_service_integration.legacy", values: DR_LINK }));
    expect(secondDrIntegration.evaluate(ownLink, context({ phase: "normal" }, "pg-primary", pairs))).toEqual([
      expect.objectContaining({
        stack: "pg-primary",
        message: expect.stringMatching(/legacy already links the pair$/),
      }),
    ]);
    // Not at a pinned address: with the plan's stack known, only that stack's links count.
    const elsewhere = { ...createdUnknown, address: "aiven_service_integration.extra" };
    expect(
      secondDrIntegration.evaluate(
        plan([elsewhere], inState({ address: "module.orders.link", values: ORDERS_LINK })),
        context({ phase: "normal" }, "pg-primary", pairs),
      ),
    ).toEqual([]);
    expect(
      secondDrIntegration.evaluate(
        plan([elsewhere], inState({ address: "module.orders.link", values: ORDERS_LINK })),
        context({ phase: "normal" }, "orders", pairs),
      ),
    ).toEqual([
      expect.objectContaining({ stack: "orders", message: expect.stringMatching(/module.orders.link already/) }),
    ]);
    // With no stack known, any pair's link counts, and names that pair; a link of no pair does not.
    expect(
      secondDrIntegration.evaluate(
        plan([elsewhere], inState({ address: "module.orders.link", values: ORDERS_LINK })),
        context({ phase: "normal" }, undefined, pairs),
      ),
    ).toEqual([expect.objectContaining({ stack: "orders" })]);
    const stranger = { ...DR_LINK, source_service_name: "x", destination_service_name: "x-dr" };
    expect(
      secondDrIntegration.evaluate(
        plan([elsewhere], inState({ address: "aiven_service_integration.stranger", values: stranger })),
        context({ phase: "normal" }, undefined, pairs),
      ),
    ).toEqual([]);
  });

  it("does not apply to an integration of another kind, a deletion or an import", () => {
    const replica = { ...DR_LINK, integration_type: "read_replica" };
    expect(secondDrIntegration.evaluate(plan([{ ...created, after: replica }]), context())).toBe(NOT_APPLICABLE);
    expect(
      secondDrIntegration.evaluate(
        plan([{ address: created.address, actions: ["delete"], before: DR_LINK }]),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
    expect(
      secondDrIntegration.evaluate(
        plan(
          [{ ...created, importing: { id: "crdr-test/abc" } }],
          inState({ address: "aiven_service_integration.legacy", values: DR_LINK }),
        ),
        context(),
      ),
    ).toBe(NOT_APPLICABLE);
  });
});

describe("rule second-dr-integration, links of no pair, unrelated removals and a failover with a link left in state", () => {
  const created = { address: "aiven_service_integration.disaster_recovery", actions: ["create"], after: DR_LINK };
  const ONE_LINK =
    "A pair has one DR link. Aiven refuses or duplicates a second one; after a revert the existing link must be imported (the import block in the synthesized config), not created.";

  it("with the created link's ends unknown, does not count a link of no pair in its stack's state", () => {
    const stranger = { ...DR_LINK, source_service_name: "x", destination_service_name: "x-dr" };
    const p = plan(
      [{ ...created, after: { integration_type: "disaster_recovery", project: "crdr-test" } }],
      inState({ address: "aiven_service_integration.stranger", values: stranger }),
    );
    expect(secondDrIntegration.evaluate(p, context({ phase: "normal" }, "pg-primary"))).toEqual([]);
  });

  it("still counts a link in state when the plan deletes or forgets other objects", () => {
    const p = plan(
      [
        created,
        { address: "aiven_pg.analytics", actions: ["delete"], before: { project: "crdr-test", service_name: "x" } },
        {
          address: "aiven_service_integration.replica",
          actions: ["forget"],
          before: { ...DR_LINK, integration_type: "read_replica" },
        },
      ],
      inState({ address: "aiven_service_integration.legacy", values: DR_LINK }),
    );
    expect(secondDrIntegration.evaluate(p, context())).toEqual([
      {
        rule: "second-dr-integration",
        severity: "danger",
        address: "aiven_service_integration.disaster_recovery",
        stack: "pg-primary",
        message:
          "aiven_service_integration.disaster_recovery creates a disaster_recovery integration although aiven_service_integration.legacy already links the pair",
        why: ONE_LINK,
      },
    ]);
  });

  it("counts only aiven_service_integration resources as links, whatever another type's values say", () => {
    // A resource of another type carrying a DR link's values is not a link: not created, not kept, not in state.
    const lookalike = "aiven_service_integration_endpoint";
    expect(secondDrIntegration.evaluate(plan([{ ...created, address: `${lookalike}.created` }]), context())).toBe(
      NOT_APPLICABLE,
    );
    const p = plan([created, { address: `${lookalike}.kept`, actions: ["no-op"], before: DR_LINK, after: DR_LINK }], {
      prior_state: {
        format_version: "1.0",
        values: {
          root_module: {
            resources: [{ address: `${lookalike}.old`, mode: "managed", type: lookalike, values: DR_LINK }],
          },
        },
      },
    });
    expect(secondDrIntegration.evaluate(p, context())).toEqual([]);
  });

  it("after a failover, names the link still in state and says why a pair has one link", () => {
    const p = plan([created], inState({ address: "aiven_service_integration.legacy", values: DR_LINK }));
    expect(secondDrIntegration.evaluate(p, context({ phase: "failed-over", primary: "frozen" }, "pg-primary"))).toEqual(
      [
        {
          rule: "second-dr-integration",
          severity: "danger",
          address: "aiven_service_integration.disaster_recovery",
          stack: "pg-primary",
          message:
            "aiven_service_integration.disaster_recovery creates a disaster_recovery integration although aiven_service_integration.legacy already links the pair",
          why: ONE_LINK,
        },
      ],
    );
  });
});

describe("rule second-dr-integration, where matching by name and by pair disagree", () => {
  const create = { address: "aiven_service_integration.disaster_recovery", actions: ["create"], after: DR_LINK };
  const sharingThePrimary = { ...DR_LINK, destination_service_name: "pg-primary-replica", integration_id: "x1" };

  it("does not apply to an update or a no-op of a DR link, even beside another DR link in state", () => {
    const changes = [
      { address: create.address, actions: ["update"], before: DR_LINK, after: { ...DR_LINK, integration_id: "abd" } },
      { address: "aiven_service_integration.other", actions: ["no-op"], before: DR_LINK, after: DR_LINK },
    ];
    const prior = inState({ address: "aiven_service_integration.legacy", values: DR_LINK });
    expect(secondDrIntegration.evaluate(plan(changes, prior), context())).toBe(NOT_APPLICABLE);
  });

  it("counts a link in state that shares one service with the new link, though it is of no pair", () => {
    const prior = inState({ address: "aiven_service_integration.to_replica", values: sharingThePrimary });
    expect(secondDrIntegration.evaluate(plan([create], prior), context())).toEqual([
      expect.objectContaining({
        rule: "second-dr-integration",
        stack: "pg-primary",
        message:
          "aiven_service_integration.disaster_recovery creates a disaster_recovery integration although aiven_service_integration.to_replica already links the pair",
      }),
    ]);
  });

  it("names the pair of the first located link when the new link is of no pair and a link of no pair comes first", () => {
    const ofNoPair = {
      address: "aiven_service_integration.new_link",
      actions: ["create"],
      after: { ...DR_LINK, destination_service_name: "pg-elsewhere" },
    };
    const prior = inState(
      { address: "aiven_service_integration.to_replica", values: sharingThePrimary },
      { address: "aiven_service_integration.disaster_recovery", values: DR_LINK },
    );
    expect(secondDrIntegration.evaluate(plan([ofNoPair], prior), context())).toEqual([
      expect.objectContaining({
        stack: "pg-primary",
        message:
          "aiven_service_integration.new_link creates a disaster_recovery integration although aiven_service_integration.to_replica already links the pair",
      }),
    ]);
  });
});
