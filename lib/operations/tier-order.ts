import { tierRank } from "../contract/pair-manifest";

/** A pair's place in a region run's order of role changes. */
export interface PairTurn {
  /** Whether the pair may send now. */
  isOpen(): boolean;
  /** Resolves once every pair of an earlier tier has sent its role changes (or ended). */
  awaitTurn(): Promise<void>;
  /** This pair sends no more role changes in this run (idempotent). */
  roleChangesSent(): void;
}

/**
 * The order in which a region run's pairs send role changes: tier by tier.
 * A pair of a later tier runs its preflight alongside the others, then waits
 * at its request step until every pair of the earlier tiers has sent its
 * role changes (answered by Aiven, found already made, or given up), so
 * every tier-1 role change leaves before any tier-2 one. Pairs without a
 * tier go last.
 *
 * Pairs must be started in tier order (`inTierOrder`): a waiting pair then
 * only ever waits for pairs already running, so no worker waits for a pair
 * that has no worker left to run it.
 */
export class TierOrder {
  /** Pairs of each rank that may still send a role change. */
  private readonly unsent = new Map<number, Set<string>>();
  private readonly waiting: Array<{ rank: number; resolve: () => void }> = [];

  constructor(pairs: ReadonlyArray<{ readonly stack: string; readonly tier?: number }>) {
    for (const pair of pairs) {
      const rank = tierRank(pair);
      if (!this.unsent.has(rank)) this.unsent.set(rank, new Set());
      this.unsent.get(rank)!.add(pair.stack);
    }
  }

  turnFor(stack: string, tier: number | undefined): PairTurn {
    const rank = tierRank({ tier });
    return {
      isOpen: () => this.isOpen(rank),
      awaitTurn: () =>
        this.isOpen(rank) ? Promise.resolve() : new Promise<void>((resolve) => this.waiting.push({ rank, resolve })),
      roleChangesSent: () => {
        if (!this.unsent.get(rank)?.delete(stack)) return;
        for (const waiter of this.waiting.filter((w) => this.isOpen(w.rank))) {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          waiter.resolve();
        }
      },
    };
  }

  /** Whether every pair of every earlier rank has sent its role changes. */
  private isOpen(rank: number): boolean {
    return [...this.unsent].every(([r, stacks]) => r >= rank || stacks.size === 0);
  }
}

/** The pairs sorted by tier, keeping their order within a tier (a stable sort). */
export function inTierOrder<T extends { readonly tier?: number }>(pairs: readonly T[]): T[] {
  return [...pairs].sort((a, b) => tierRank(a) - tierRank(b) || 0);
}
