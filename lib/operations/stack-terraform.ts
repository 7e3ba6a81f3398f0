import * as path from "path";
import { Reporter } from "../reporting/reporter";
import { compareBackendCache } from "../terraform/backend-cache";
import { TerraformRunner } from "../terraform/terraform-runner";
import { UserError } from "../user-error";

/**
 * One stack's Terraform for the length of a run: the injected runner, and
 * its backend initialized at most once (and not at all when an earlier init
 * already set it up).
 */
export class StackTerraform {
  private backend?: Promise<TerraformRunner>;

  constructor(
    readonly runner: TerraformRunner,
    /** The backend the stack declares (`terraform.backend` in cdk.tf.json). */
    private readonly declaredBackend: unknown,
    private readonly projectDir: string,
    private readonly reporter: Reporter,
  ) {}

  /**
   * Initializes the stack's backend, once per run, and only when an earlier
   * init did not already set it up. Provider download may fail (registries
   * unreachable in an outage); the state commands need only the backend.
   * Callers that ask at the same time share the one init. An init that
   * must run waits for `cleared` first (the binary's version check: no
   * binary the tooling refuses runs init); a backend already set up does not.
   */
  initBackend(cleared?: Promise<unknown>): Promise<TerraformRunner> {
    this.backend ??= this.init(cleared);
    // A failed init is not kept: a later step may try again.
    this.backend.catch(() => (this.backend = undefined));
    return this.backend;
  }

  private async init(cleared?: Promise<unknown>): Promise<TerraformRunner> {
    const terraform = this.runner;
    const cache = compareBackendCache(terraform.cwd, this.declaredBackend);
    if (cache.kind === "different") {
      // Terraform keeps an earlier init's -backend-config: it would read another state.
      throw new UserError(
        `${path.relative(this.projectDir, terraform.cwd)}/.terraform was initialised against another backend than the stack declares (${cache.difference}); run "${terraform.binary} init -reconfigure" there (or delete that .terraform folder), then rerun. Nothing was sent to Aiven.`,
      );
    }
    if (cache.kind === "same") return terraform;
    await cleared;
    const init = await terraform.initBackend();
    if (!init.providersInstalled) {
      this.reporter.warn(
        "terraform init could not install providers (registry unreachable?); the backend is initialized, which is all the state commands need",
      );
    }
    return terraform;
  }
}
