import { Testing, TerraformStack } from "cdktf";
import { addBackend } from "../lib/pair/backend";
import { BackendSettings, parseBackendSettings } from "../lib/settings/backend-settings";

function backendOf(settings: BackendSettings): any {
  const stack = new TerraformStack(Testing.app(), "orders");
  addBackend(stack, settings, "/project", "cdktf.out");
  return JSON.parse(Testing.synth(stack)).terraform.backend;
}

describe("backends", () => {
  it("defaults to local state beside the project, addressed relative to the stack's working directory", () => {
    expect(backendOf({ type: "local" })).toEqual({ local: { path: "../../../terraform.orders.tfstate" } });
    expect(backendOf({ type: "local", stateDir: "state" })).toEqual({
      local: { path: "../../../state/orders.tfstate" },
    });
  });

  it("keys S3 state per stack and locks with use_lockfile by default", () => {
    expect(backendOf({ type: "s3", bucket: "tf-state", region: "us-east-1" })).toEqual({
      s3: { bucket: "tf-state", region: "us-east-1", key: "crdr/orders.tfstate", use_lockfile: true },
    });
  });

  it("prefixes GCS state per stack", () => {
    expect(backendOf({ type: "gcs", bucket: "tf-state", prefix: "dr" })).toEqual({
      gcs: { bucket: "tf-state", prefix: "dr/orders" },
    });
  });

  it("addresses HTTP state per stack, with locking", () => {
    expect(backendOf({ type: "http", address: "https://state.example.com/tf/" })).toEqual({
      http: {
        address: "https://state.example.com/tf/orders",
        lock_address: "https://state.example.com/tf/orders",
        unlock_address: "https://state.example.com/tf/orders",
      },
    });
  });

  it("uses one Terraform Cloud workspace per stack", () => {
    const cloud = backendOf({ type: "cloud", organization: "acme" });
    expect(cloud).toBeUndefined(); // Terraform Cloud is a `cloud` block, not a backend
    const stack = new TerraformStack(Testing.app(), "orders");
    addBackend(stack, { type: "cloud", organization: "acme" }, "/project", "cdktf.out");
    expect(JSON.parse(Testing.synth(stack)).terraform.cloud).toEqual({
      organization: "acme",
      workspaces: { name: "crdr-orders" },
    });
  });

  it("refuses settings that are not a known backend, saying what to use", () => {
    expect(() => parseBackendSettings({ type: "azurerm" }, 'cdktf.json context "backend"')).toThrow(
      /The backend settings from cdktf.json context "backend" are invalid .*; use \{"type":"local"\} or an s3, gcs, http or cloud backend as docs\/backends-and-state\.md shows\./,
    );
  });
});
