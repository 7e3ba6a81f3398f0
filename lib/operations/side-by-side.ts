/**
 * Runs checks that do not depend on each other at the same time, and lets
 * every one of them finish before answering: a failing check does not leave
 * another (a terraform process holding the state lock, a request) running
 * behind the caller's back. The first failure, in the order given, is
 * thrown; the caller goes on only when every check passed.
 */
export async function sideBySide<T extends readonly unknown[]>(
  ...checks: { [K in keyof T]: Promise<T[K]> }
): Promise<T> {
  const settled = await Promise.allSettled(checks);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
