/**
 * Waits until a condition holds, checking it every 20 ms: how a test waits for
 * a process to reach a known point instead of sleeping and hoping. Jest's
 * test timeout bounds it.
 */
export async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}
