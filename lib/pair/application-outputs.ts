import { ApplicationOutputNames } from "../contract/pair-manifest";

/**
 * The outputs applications read (through `terraform output` or
 * `terraform_remote_state`). Their names are a contract, like resource
 * addresses: every phase declares all of them, so a reader never finds one
 * missing in the middle of an outage. The manifest carries them to the tooling.
 */
export const APPLICATION_OUTPUTS = {
  host: "app_host",
  port: "app_port",
  uri: "app_uri",
  standby: {
    primary: { host: "app_standby_primary_host", port: "app_standby_primary_port" },
    recovery: { host: "app_standby_recovery_host", port: "app_standby_recovery_port" },
  },
} as const satisfies ApplicationOutputNames;
