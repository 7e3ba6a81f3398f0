import Bottleneck from "bottleneck/light";
import { TerraformRunner } from "./terraform-runner";

/** A region run's terraform priorities (Bottleneck's, lower first): a pair's commands before its role change, and after it. */
export const BEFORE_ROLE_CHANGE = 4;
export const AFTER_ROLE_CHANGE = 6;
/** The binary's version check, ahead of every other command. */
export const VERSION_PRIORITY = 0;

/**
 * The priority of a pair's next command before its role change: each one it
 * has run already moves it ahead (by at most two), so a pair that began its
 * checks finishes them before other pairs begin theirs, and the role changes
 * leave one by one from the start, not only once every pair has read its state.
 */
export function priorityBeforeRoleChange(commandsRun: number): number {
  return BEFORE_ROLE_CHANGE - Math.min(2, commandsRun);
}

/**
 * A terraform runner whose commands wait for a turn in a shared limiter, so a
 * run over many pairs never starts more terraform processes at once than the
 * machine can take. `priority` (Bottleneck's, lower first) is asked at each
 * command: a region run puts the commands before a pair's role change ahead
 * of those after it.
 */
export class LimitedTerraform implements TerraformRunner {
  constructor(
    private readonly inner: TerraformRunner,
    private readonly limiter: Bottleneck,
    private readonly priority: () => number = () => 5,
  ) {}

  private schedule<T>(command: () => Promise<T>, priority = this.priority()): Promise<T> {
    return this.limiter.schedule({ priority }, command);
  }

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
    // Every pair's checks wait for it, and it is asked once per run (then
    // answered from memory): first in line, and not one of the pair's
    // commands that move it ahead.
    return this.schedule(() => this.inner.checkVersion(minimum), VERSION_PRIORITY);
  }
  initBackend() {
    return this.schedule(() => this.inner.initBackend());
  }
  stateList() {
    return this.schedule(() => this.inner.stateList());
  }
  statePull() {
    return this.schedule(() => this.inner.statePull());
  }
  stateRm(addresses: string[]) {
    return this.schedule(() => this.inner.stateRm(addresses));
  }
  stateRmDryRun(addresses: string[]) {
    return this.schedule(() => this.inner.stateRmDryRun(addresses));
  }
  statePush(file: string) {
    return this.schedule(() => this.inner.statePush(file));
  }
}
