import { applicationOutputList, PAIR_MANIFEST_KEY } from "../lib/contract/pair-manifest";
import { PHASES, synthPairStack as synthStack } from "./support/pair-stack-synth";

/** The names applications rely on: a contract, spelled out here rather than read from the code under test. */
const APPLICATION_OUTPUT_NAMES = [
  "app_host",
  "app_port",
  "app_uri",
  "app_standby_primary_host",
  "app_standby_primary_port",
  "app_standby_recovery_host",
  "app_standby_recovery_port",
];

const byPhase = Object.fromEntries(Object.entries(PHASES).map(([name, phase]) => [name, synthStack(phase)]));
const outputsOf = (json: any, names: readonly string[]) => Object.fromEntries(names.map((n) => [n, json.output?.[n]]));

const READ_WRITE = {
  app_host: { value: "${aiven_pg.recovery.service_host}", sensitive: false },
  app_port: { value: "${aiven_pg.recovery.service_port}", sensitive: false },
  app_uri: { value: "${aiven_pg.recovery.service_uri}", sensitive: true },
};
const standbyOf = (service: string, attribute: string, fallback: string) =>
  `\${concat([for c in ${service}.components : c.${attribute} if c.component == "pg" && c.usage == "disaster_recovery" && c.route == "dynamic"], ` +
  `[for c in ${service}.components : c.${attribute} if c.component == "pg" && c.usage == "disaster_recovery"], [${fallback}])[0]}`;

describe("application outputs", () => {
  it.each(Object.keys(PHASES))("are all declared, with the same names, in the %s phase", (name) => {
    const json = byPhase[name];
    expect(
      Object.keys(json.output)
        .filter((o) => o.startsWith("app_"))
        .sort(),
    ).toEqual([...APPLICATION_OUTPUT_NAMES].sort());
    expect(applicationOutputList(json["//"][PAIR_MANIFEST_KEY].applicationOutputs)).toEqual(APPLICATION_OUTPUT_NAMES);
  });

  it.each(Object.keys(PHASES))(
    "take the read-write endpoint from the recovery service (kept in every phase) in the %s phase",
    (name) => {
      const json = byPhase[name];
      expect(outputsOf(json, Object.keys(READ_WRITE))).toEqual({
        app_host: expect.objectContaining(READ_WRITE.app_host),
        app_port: expect.objectContaining(READ_WRITE.app_port),
        app_uri: expect.objectContaining(READ_WRITE.app_uri),
      });
      expect(json.resource.aiven_pg.recovery).toBeDefined();
    },
  );

  it.each(Object.keys(PHASES))(
    "take the recovery region's read-only endpoint from the recovery service's disaster_recovery component in the %s phase",
    (name) => {
      const json = byPhase[name];
      expect(json.output.app_standby_recovery_host).toMatchObject({
        value: standbyOf("aiven_pg.recovery", "host", '""'),
        sensitive: false,
      });
      expect(json.output.app_standby_recovery_port).toMatchObject({
        value: standbyOf("aiven_pg.recovery", "port", "0"),
        sensitive: false,
      });
    },
  );

  it("take the primary region's read-only endpoint from the primary while it serves, and leave it empty (never missing) while failed over", () => {
    for (const name of ["normal", "switched-over", "after a revert with pending imports"]) {
      expect(byPhase[name].output.app_standby_primary_host.value).toBe(standbyOf("aiven_pg.primary", "host", '""'));
      expect(byPhase[name].output.app_standby_primary_port.value).toBe(standbyOf("aiven_pg.primary", "port", "0"));
    }
    for (const name of ["failed-over, primary frozen", "failed-over, primary forgotten"]) {
      expect(byPhase[name].output.app_standby_primary_host.value).toBe("");
      expect(byPhase[name].output.app_standby_primary_port.value).toBe(0);
    }
    // Nothing in the forgotten phase refers to the primary it no longer declares.
    expect(JSON.stringify(byPhase["failed-over, primary forgotten"].output)).not.toContain("aiven_pg.primary");
  });

  it("keep the per-service outputs of each declared service, for compatibility", () => {
    expect(byPhase.normal.output.primary_host.value).toBe("${aiven_pg.primary.service_host}");
    expect(byPhase.normal.output.recovery_uri).toMatchObject({
      value: "${aiven_pg.recovery.service_uri}",
      sensitive: true,
    });
    expect(byPhase["failed-over, primary forgotten"].output.primary_host).toBeUndefined();
    expect(byPhase["failed-over, primary forgotten"].output.recovery_host.value).toBe(
      "${aiven_pg.recovery.service_host}",
    );
  });

  it("describe what each application output is for", () => {
    for (const name of APPLICATION_OUTPUT_NAMES) expect(byPhase.normal.output[name].description).toMatch(/\w+ .*\./);
  });
});
