import { TerraformOutput, TerraformStack } from "cdktf";
import { STANDBY_COMPONENT } from "../aiven/standby-component";
import { APPLICATION_OUTPUTS } from "./application-outputs";
import { CrdrPair } from "./crdr-pair";

/**
 * Declares the application outputs (APPLICATION_OUTPUTS) on a pair's stack.
 *
 * The read-write endpoint comes from the recovery `aiven_pg`, the one service
 * every phase keeps in state (a failover may forget the primary). Both peers
 * carry the same Service URI, whose DNS Aiven points at the active peer, so
 * this is the endpoint in every phase. A region's read-only endpoint is the
 * component its own service marks `disaster_recovery`; the primary region's
 * is empty while failed over, when its service is failed or forgotten.
 */
export function declareApplicationOutputs(stack: TerraformStack, pair: CrdrPair): void {
  // A bug, not a user error: every phase layout keeps the recovery service.
  if (!pair.recovery)
    throw new Error(
      `The ${pair.props.phase.phase} layout does not declare the recovery service; the application outputs need it.`,
    );
  const recovery = pair.manifest.recovery.address;
  const output = (name: string, value: string | number, description: string, sensitive = false) => {
    const o = new TerraformOutput(stack, name, { value, description, sensitive });
    o.overrideLogicalId(name);
  };
  output(
    APPLICATION_OUTPUTS.host,
    `\${${recovery}.service_host}`,
    "Read-write host for applications in every phase: the pair's shared Service URI host, which Aiven points at the active peer.",
  );
  output(
    APPLICATION_OUTPUTS.port,
    `\${${recovery}.service_port}`,
    "Read-write port for applications in every phase (the shared Service URI's).",
  );
  output(
    APPLICATION_OUTPUTS.uri,
    `\${${recovery}.service_uri}`,
    "Read-write connection URI for applications in every phase, with the pair's shared credentials.",
    true,
  );

  for (const side of ["primary", "recovery"] as const) {
    const serving = pair.layout[side] === "managed";
    const address = pair.manifest[side].address;
    const names = APPLICATION_OUTPUTS.standby[side];
    const where = `${side} region (${pair.props[side].cloudName})`;
    output(
      names.host,
      serving ? standbyPick(address, "host", '""') : "",
      `Read-only host of the ${where}'s CRDR standby nodes; empty while that region serves none.`,
    );
    output(
      names.port,
      serving ? standbyPick(address, "port", "0") : 0,
      `Read-only port of the ${where}'s CRDR standby nodes; 0 while that region serves none.`,
    );
  }
}

/**
 * A Terraform expression picking one attribute of a service's standby
 * component: on the `dynamic` route if there is one, else on any route, else
 * `fallback`. Never null: Terraform leaves a null output out of state, and a
 * reader would find the output missing.
 */
function standbyPick(serviceAddress: string, attribute: "host" | "port", fallback: string): string {
  const { component, usage, preferredRoute } = STANDBY_COMPONENT;
  const standby = `c.component == "${component}" && c.usage == "${usage}"`;
  const pick = (condition: string) => `[for c in ${serviceAddress}.components : c.${attribute} if ${condition}]`;
  return `\${concat(${pick(`${standby} && c.route == "${preferredRoute}"`)}, ${pick(standby)}, [${fallback}])[0]}`;
}
