/**
 * Waits until a condition holds, checking it every 20 ms: how a test waits for
 * a process to reach a known point instead of sleeping and hoping. Jest's test
 * timeout fails the test, but cannot stop this loop: the loop gives up on its
 * own, so a failed test does not keep jest (and its temp folders) alive.
 */
export async function waitFor(condition: () => boolean, giveUpAfterMs = 240_000): Promise<void> {
  const giveUpAt = Date.now() + giveUpAfterMs;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`waited ${giveUpAfterMs / 1000} s for a condition that never held`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
