import {
  attribute,
  isSensitive,
  parsePlan,
  PlannedChange,
  priorAttribute,
  SENSITIVE_VALUE,
} from "../../lib/plan-review/terraform-plan";
import { UserError } from "../../lib/user-error";

/**
 * The plan parser on its own, fed Terraform's JSON written out by hand: every
 * field it keeps, what it makes of fields that are missing or of the wrong
 * type, and the masking of sensitive values wherever the mask puts them.
 */
const parse = (doc: unknown) => parsePlan(JSON.stringify(doc), "plan.json");
const planOf = (extra: Record<string, unknown>) => parse({ format_version: "1.2", resource_changes: [], ...extra });
const onlyChange = (rc: Record<string, unknown>): PlannedChange => {
  const { changes } = planOf({ resource_changes: [rc] });
  expect(changes).toHaveLength(1);
  return changes[0];
};
const refusal = (text: string): string => {
  try {
    parsePlan(text, "plan.json");
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error("the plan was not refused");
};

describe("the plan parser", () => {
  it("keeps every field of a resource change the review reads", () => {
    expect(
      onlyChange({
        address: "module.dr.aiven_pg.primary",
        type: "aiven_pg",
        name: "primary",
        mode: "managed",
        provider_name: "registry.terraform.io/aiven/aiven",
        action_reason: "replace_because_cannot_update",
        deposed: "0badc0de",
        previous_address: "aiven_pg.old",
        change: {
          actions: ["create", "delete"],
          before: { plan: "startup-4" },
          after: { plan: "business-8" },
          importing: { id: "proj/pg" },
          replace_paths: [["cloud_name"]],
        },
      }),
    ).toEqual({
      address: "module.dr.aiven_pg.primary",
      type: "aiven_pg",
      name: "primary",
      mode: "managed",
      providerName: "registry.terraform.io/aiven/aiven",
      actions: ["create", "delete"],
      kind: "replace",
      createBeforeDestroy: true,
      importing: { id: "proj/pg" },
      actionReason: "replace_because_cannot_update",
      deposed: "0badc0de",
      previousAddress: "aiven_pg.old",
      replacePaths: [["cloud_name"]],
      before: { plan: "startup-4" },
      after: { plan: "business-8" },
    });
  });

  it("fills what a change leaves out, or gives in the wrong type, with nothing rather than a guess", () => {
    const change = onlyChange({
      address: "data.aiven_pg.lookup",
      mode: "data",
      provider_name: 7,
      action_reason: false,
      deposed: 1,
      previous_address: ["x"],
      change: { actions: ["read", 5, null], importing: true, replace_paths: "cloud_name", before: [1], after: "x" },
    });
    expect(change).toEqual({
      address: "data.aiven_pg.lookup",
      type: "",
      name: "",
      mode: "data",
      actions: ["read"],
      kind: "read",
      createBeforeDestroy: false,
      before: null,
      after: null,
    });
    expect(
      Object.entries(change)
        .filter(([, v]) => v === undefined)
        .map(([k]) => k),
    ).toEqual(["providerName", "importing", "actionReason", "deposed", "previousAddress", "replacePaths"]);
  });

  it("reads a mode other than data as managed, actions that are not a list as none, and an import without an id", () => {
    expect(
      onlyChange({ address: "a.b", type: "t", name: "b", mode: "weird", change: { actions: "delete", importing: {} } }),
    ).toMatchObject({ mode: "managed", actions: [], kind: "no-op", importing: { id: undefined } });
  });

  it("creates before destroying only when the replace starts with create", () => {
    const cbd = (actions: string[]) => onlyChange({ address: "a.b", change: { actions } }).createBeforeDestroy;
    expect(cbd(["create", "delete"])).toBe(true);
    expect(cbd(["delete", "create"])).toBe(false);
    expect(cbd(["create"])).toBe(false);
  });

  it("skips entries that are not changes of an addressed resource", () => {
    const { changes } = planOf({
      resource_changes: [
        null,
        { address: 5, change: { actions: ["delete"] } },
        { address: "aiven_pg.no_change" },
        { address: "aiven_pg.kept", change: { actions: ["delete"] } },
      ],
    });
    expect(changes.map((c) => [c.address, c.kind])).toEqual([["aiven_pg.kept", "delete"]]);
  });

  it("reads the plan's own fields: versions, errored only when true, incomplete only when said so", () => {
    expect(planOf({ terraform_version: "1.11.4" })).toMatchObject({
      formatVersion: "1.2",
      terraformVersion: "1.11.4",
      errored: false,
      complete: true,
      changes: [],
      prior: [],
      outputChanges: [],
    });
    expect(planOf({ terraform_version: 1, errored: "true", complete: "no" })).toMatchObject({
      terraformVersion: undefined,
      errored: false,
      complete: true,
    });
    expect(planOf({ errored: true, complete: false })).toMatchObject({ errored: true, complete: false });
    expect(planOf({ resource_changes: "none" }).changes).toEqual([]);
  });

  it("keeps the root outputs' names and actions, and drops outputs without an action", () => {
    expect(
      planOf({
        output_changes: {
          host: { actions: ["delete"], before: "secret-host" },
          port: { actions: ["no-op", 3] },
          empty: { actions: [] },
          odd: { actions: "update" },
          broken: null,
        },
      }).outputChanges,
    ).toEqual([
      { name: "host", actions: ["delete"], kind: "delete" },
      { name: "port", actions: ["no-op"], kind: "no-op" },
    ]);
    expect(planOf({ output_changes: [{ actions: ["delete"] }] }).outputChanges).toEqual([]);
  });

  it("reads the resources in prior state, child modules included, masked as their sensitive_values say", () => {
    const plan = planOf({
      prior_state: {
        values: {
          root_module: {
            resources: [
              {
                address: "aiven_pg.primary",
                type: "aiven_pg",
                mode: "managed",
                values: { plan: "startup-4", service_password: "pw" },
                sensitive_values: { service_password: true },
              },
              { address: "aiven_pg.untyped" },
              { type: "aiven_pg" },
              null,
            ],
            child_modules: [
              {
                resources: [
                  { address: "module.m.data.aiven_pg.x", type: "aiven_pg", mode: "data", values: [1] },
                  { address: "module.m.aiven_pg.y", type: "aiven_pg", deposed_key: "abcd", values: { a: 1 } },
                ],
                child_modules: [
                  {
                    resources: [
                      {
                        address: "module.m.module.n.aiven_pg.z",
                        type: "aiven_pg",
                        values: { a: 1 },
                        sensitive_values: true,
                      },
                    ],
                  },
                  null,
                ],
              },
            ],
          },
        },
      },
    });
    expect(plan.prior).toEqual([
      {
        address: "aiven_pg.primary",
        type: "aiven_pg",
        mode: "managed",
        values: { plan: "startup-4", service_password: SENSITIVE_VALUE },
        deposed: undefined,
      },
      { address: "module.m.data.aiven_pg.x", type: "aiven_pg", mode: "data", values: {}, deposed: undefined },
      { address: "module.m.aiven_pg.y", type: "aiven_pg", mode: "managed", values: { a: 1 }, deposed: "abcd" },
      { address: "module.m.module.n.aiven_pg.z", type: "aiven_pg", mode: "managed", values: {}, deposed: undefined },
    ]);
    expect(priorAttribute(plan.prior[0], "plan")).toBe("startup-4");
    expect(priorAttribute(plan.prior[0], "service_password")).toBeUndefined();
    expect(planOf({ prior_state: { values: { root_module: { resources: "none" } } } }).prior).toEqual([]);
    expect(planOf({ prior_state: { values: { root_module: "none" } } }).prior).toEqual([]);
    expect(planOf({ prior_state: { format_version: "1.0" } }).prior).toEqual([]);
  });
});

describe("masking sensitive values", () => {
  const SECRET = "hunter2-s3cret";
  const changeWith = (before: unknown, beforeSensitive: unknown) =>
    onlyChange({
      address: "aiven_pg.primary",
      change: { actions: ["update"], before, before_sensitive: beforeSensitive },
    });

  it("replaces every value the mask marks, in maps, in lists and in lists of maps, and nothing else", () => {
    const before = {
      plan: "startup-4",
      service_password: SECRET,
      tags: { owner: "team", token: SECRET },
      ip_filter: ["10.0.0.0/8", SECRET],
      pg_user_config: [{ pg: [{ password: SECRET, max_connections: 100 }], admin: { password: SECRET } }],
    };
    const mask = {
      service_password: true,
      tags: { token: true },
      ip_filter: [false, true],
      pg_user_config: [{ pg: [{ password: true }], admin: { password: true } }],
    };
    const { before: masked } = changeWith(before, mask);
    expect(masked).toEqual({
      plan: "startup-4",
      service_password: SENSITIVE_VALUE,
      tags: { owner: "team", token: SENSITIVE_VALUE },
      ip_filter: ["10.0.0.0/8", SENSITIVE_VALUE],
      pg_user_config: [
        { pg: [{ password: SENSITIVE_VALUE, max_connections: 100 }], admin: { password: SENSITIVE_VALUE } },
      ],
    });
    expect(Array.isArray(masked!.ip_filter)).toBe(true);
    expect(JSON.stringify(masked)).not.toContain(SECRET);
  });

  it("masks a whole attribute that is a list or a map, and a whole object into one with no readable value", () => {
    expect(changeWith({ tags: { a: SECRET }, ips: [SECRET], plan: "p" }, { tags: true, ips: true }).before).toEqual({
      tags: SENSITIVE_VALUE,
      ips: SENSITIVE_VALUE,
      plan: "p",
    });
    expect(changeWith({ plan: SECRET }, true).before).toEqual({});
  });

  it("leaves values as they are where the mask is false, null, missing or shaped otherwise than the value", () => {
    const before = { plan: "p", tags: { a: "x" }, list: ["y"], word: "abc", nothing: null };
    for (const mask of [false, null, {}, { plan: false, tags: {}, list: [] }]) {
      expect(changeWith(before, mask).before).toEqual(before);
    }
    // A mask deeper than the value: a string, or null, under a map of masks stays what it is.
    expect(changeWith(before, { word: { 0: true }, nothing: { a: true }, plan: [true] }).before).toEqual(before);
  });

  it("gives rules the mask, never the value, through attribute(), and says which top-level values are sensitive", () => {
    const change = onlyChange({
      address: "aiven_pg.primary",
      change: {
        actions: ["update"],
        before: { plan: "startup-4", service_password: SECRET },
        after: { plan: "business-8", service_password: SECRET },
        before_sensitive: { service_password: true },
        after_sensitive: { service_password: true },
      },
    });
    expect(attribute(change, "before", "plan")).toBe("startup-4");
    expect(attribute(change, "after", "plan")).toBe("business-8");
    expect(attribute(change, "after", "service_password")).toBeUndefined();
    expect(isSensitive(change.after, "service_password")).toBe(true);
    expect(isSensitive(change.after, "plan")).toBe(false);
    expect(isSensitive(null, "plan")).toBe(false);
    expect(attribute({ ...change, after: null }, "after", "plan")).toBeUndefined();
  });
});

describe("refusing what is not a Terraform JSON plan", () => {
  it("accepts a plan known by any one of resource_changes, planned_values or errored", () => {
    for (const key of ["resource_changes", "planned_values", "errored"]) {
      expect(parse({ format_version: "1.0", [key]: key === "errored" ? false : {} }).formatVersion).toBe("1.0");
    }
  });

  it("refuses JSON that is not a plan, and says when it looks like state", () => {
    const plain =
      'plan.json is not a Terraform plan; pass the output of "terraform show -json <planfile>", which has format_version and resource_changes.';
    expect(refusal("null")).toBe(plain);
    expect(refusal('"a plan"')).toBe(plain);
    expect(refusal(JSON.stringify({ format_version: "1.0" }))).toBe(plain);
    expect(refusal(JSON.stringify({ format_version: 1, resource_changes: [] }))).toBe(plain);
    expect(refusal(JSON.stringify({ values: {}, planned_values: {} }))).toBe(plain);
    expect(refusal(JSON.stringify({ format_version: "1.0", values: {} }))).toBe(
      'plan.json is not a Terraform plan (it looks like state, from terraform show -json without a plan file); pass the output of "terraform show -json <planfile>", which has format_version and resource_changes.',
    );
  });

  it("refuses a format whose major version is not 1, reading the whole major number", () => {
    expect(parse({ format_version: "1", resource_changes: [] }).formatVersion).toBe("1");
    for (const version of ["10.0", "0.2", "2.0"]) {
      expect(refusal(JSON.stringify({ format_version: version, resource_changes: [] }))).toBe(
        `plan.json has plan format_version ${version}, but this review understands 1.x; update the review tool or produce the plan with a Terraform that writes format 1.x.`,
      );
    }
  });

  it("says where text stops being JSON without quoting any of it", () => {
    const message = refusal(`{"format_version": "1.0", "password": "pw!"\n oops}`);
    expect(message).toBe(
      'plan.json is not JSON (it breaks at line 2, column 2 (byte offset 45)); the file is damaged or is not what terraform printed: make the plan again and pass the output of "terraform show -json <planfile>".',
    );
  });
});
