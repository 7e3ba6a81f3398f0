import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Pg } from "../.gen/providers/aiven/pg";
import { ServiceIntegration } from "../.gen/providers/aiven/service-integration";
import { AivenProvider } from "../.gen/providers/aiven/provider";
import { DataAivenPg } from "../.gen/providers/aiven/data-aiven-pg";
import { DataAivenServiceIntegration } from "../.gen/providers/aiven/data-aiven-service-integration";

const ROOT = path.resolve(__dirname, "..");
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "provider-schema", "aiven.json"), "utf8")).provider_schemas[
  "registry.terraform.io/aiven/aiven"
];

describe("the offline Aiven bindings", () => {
  it("have the class names and module paths cdktf get produces", () => {
    expect(Pg.tfResourceType).toBe("aiven_pg");
    expect(ServiceIntegration.tfResourceType).toBe("aiven_service_integration");
    expect(AivenProvider.tfResourceType).toBe("aiven");
    expect(DataAivenPg.tfResourceType).toBe("aiven_pg");
    expect(DataAivenServiceIntegration.tfResourceType).toBe("aiven_service_integration");
  });

  it("compile under tsc --noEmit in strict mode", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-tsc-"));
    const config = path.join(dir, "tsconfig.json");
    fs.writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2022",
          module: "commonjs",
          moduleResolution: "node",
          skipLibCheck: true,
          types: [],
        },
        files: [
          "index",
          "pg/index",
          "service-integration/index",
          "provider/index",
          "data-aiven-pg/index",
          "data-aiven-service-integration/index",
        ].map((f) => path.join(ROOT, ".gen", "providers", "aiven", `${f}.ts`)),
      }),
    );
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    expect(() =>
      execFileSync(process.execPath, [tsc, "-p", config], { cwd: ROOT, encoding: "utf8", stdio: "pipe" }),
    ).not.toThrow();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("mark the provider's api_token sensitive", () => {
    expect(schema.provider.block.attributes.api_token).toMatchObject({
      type: "string",
      optional: true,
      sensitive: true,
    });
  });

  it("cover every documented top-level argument and computed attribute of aiven_pg", () => {
    const pg = schema.resource_schemas.aiven_pg.block;
    expect(Object.keys(pg.attributes).sort()).toEqual(
      [
        "additional_disk_space",
        "cloud_name",
        "cmk_id",
        "components",
        "disk_space",
        "disk_space_cap",
        "disk_space_default",
        "disk_space_step",
        "disk_space_used",
        "id",
        "maintenance_window_dow",
        "maintenance_window_enabled",
        "maintenance_window_time",
        "plan",
        "project",
        "project_vpc_id",
        "service_host",
        "service_name",
        "service_password",
        "service_port",
        "service_type",
        "service_uri",
        "service_username",
        "state",
        "static_ips",
        "termination_protection",
      ].sort(),
    );
    expect(Object.keys(pg.block_types).sort()).toEqual([
      "pg",
      "pg_user_config",
      "service_integrations",
      "tag",
      "tech_emails",
      "timeouts",
    ]);
    expect(pg.attributes.service_password.sensitive).toBe(true);
    expect(pg.attributes.service_uri.sensitive).toBe(true);
    const userConfig = pg.block_types.pg_user_config.block;
    for (const field of ["pg_version", "ip_filter", "ip_filter_string", "backup_hour", "backup_minute"])
      expect(userConfig.attributes).toHaveProperty(field);
    for (const block of ["ip_filter_object", "pg", "pgbouncer"]) expect(userConfig.block_types).toHaveProperty(block);
  });

  it("cover aiven_service_integration and both data sources", () => {
    const si = schema.resource_schemas.aiven_service_integration.block;
    for (const field of [
      "project",
      "integration_type",
      "source_service_name",
      "destination_service_name",
      "source_service_project",
      "destination_service_project",
      "integration_id",
      "id",
    ]) {
      expect(si.attributes).toHaveProperty(field);
    }
    expect(schema.data_source_schemas.aiven_pg.block.attributes.service_name.required).toBe(true);
    expect(
      schema.data_source_schemas.aiven_service_integration.block.attributes.destination_service_name.required,
    ).toBe(true);
  });
});
