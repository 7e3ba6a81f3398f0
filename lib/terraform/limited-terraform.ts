import Bottleneck from "bottleneck";
import { TerraformRunner } from "./terraform-runner";

/**
 * A terraform runner whose commands wait for a turn in a shared limiter, so a
 * run over many pairs never starts more terraform processes at once than the
 * machine can take.
 */
export class LimitedTerraform implements TerraformRunner {
  constructor(
    private readonly inner: TerraformRunner,
    private readonly limiter: Bottleneck,
  ) {}

  get binary(): string {
    return this.inner.binary;
  }
  get cwd(): string {
    return this.inner.cwd;
  }
  describe(args: string[]): string {
    return this.inner.describe(args);
  }
  initArgs(): string[] {
    return this.inner.initArgs();
  }
  stateRmArgs(addresses: string[]): string[] {
    return this.inner.stateRmArgs(addresses);
  }
  statePushArgs(file: string): string[] {
    return this.inner.statePushArgs(file);
  }
  checkVersion(minimum?: string) {
    return this.limiter.schedule(() => this.inner.checkVersion(minimum));
  }
  initBackend() {
    return this.limiter.schedule(() => this.inner.initBackend());
  }
  stateList() {
    return this.limiter.schedule(() => this.inner.stateList());
  }
  statePull() {
    return this.limiter.schedule(() => this.inner.statePull());
  }
  stateRm(addresses: string[]) {
    return this.limiter.schedule(() => this.inner.stateRm(addresses));
  }
  stateRmDryRun(addresses: string[]) {
    return this.limiter.schedule(() => this.inner.stateRmDryRun(addresses));
  }
  statePush(file: string) {
    return this.limiter.schedule(() => this.inner.statePush(file));
  }
}
