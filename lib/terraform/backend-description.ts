import * as path from "path";

/**
 * The backend a synthesized stack declares, in the words a person checks it
 * by: the local state file's path, or the remote backend's type and where it
 * points. Used in messages about the state that was read.
 */
export function describeBackend(terraformBlock: Record<string, any> | undefined, workingDirectory: string): string {
  const cloud = terraformBlock?.cloud as
    { organization?: string; hostname?: string; workspaces?: { name?: string } } | undefined;
  if (cloud)
    return `the cloud backend (${cloud.hostname ?? "app.terraform.io"}, workspace ${cloud.organization}/${cloud.workspaces?.name ?? "?"})`;
  // The fields read below are strings in every backend's schema.
  const entries = Object.entries((terraformBlock?.backend ?? {}) as Record<string, Record<string, string | undefined>>);
  if (entries.length !== 1) return `the default local state in ${workingDirectory}`;
  const [type, config] = entries[0];
  switch (type) {
    case "local":
      return `the local state file ${path.resolve(workingDirectory, config.path ?? "terraform.tfstate")}`;
    case "s3":
      return `the s3 backend s3://${config.bucket}/${config.key}`;
    case "gcs":
      return `the gcs backend gs://${config.bucket}/${config.prefix}`;
    case "http":
      return `the http backend ${withoutCredentials(config.address ?? "")}`;
    default:
      return `the ${type} backend`;
  }
}

function withoutCredentials(address: string): string {
  try {
    const url = new URL(address);
    url.username = "";
    url.password = "";
    return url.toString();
  } catch {
    return address;
  }
}
