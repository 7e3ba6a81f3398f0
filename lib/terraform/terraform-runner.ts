/**
 * What the DR operations ask of Terraform, in a stack's working directory.
 * `TerraformCli` runs the real binary; tests may record calls instead.
 */
export interface TerraformRunner {
  /** The binary's name, for messages. */
  readonly binary: string;
  /** The stack's working directory. */
  readonly cwd: string;
  /** The command line as a person would type it, for dry runs and logs. */
  describe(args: string[]): string;
  initArgs(): string[];
  stateRmArgs(addresses: string[]): string[];
  statePushArgs(file: string): string[];
  /** The binary's version, refusing one older than `minimum`. */
  checkVersion(minimum?: string): Promise<string>;
  /** Initializes the backend; a failed provider download is tolerated. */
  initBackend(): Promise<{ providersInstalled: boolean; output: string }>;
  stateList(): Promise<string[]>;
  statePull(): Promise<string>;
  stateRm(addresses: string[]): Promise<void>;
  /** Takes the state lock (without waiting) and opens the state for writing, changing nothing. */
  stateRmDryRun(addresses: string[]): Promise<void>;
  statePush(file: string): Promise<void>;
}
