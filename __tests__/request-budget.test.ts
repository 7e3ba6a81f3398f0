import { regionFailoverFloorMs } from "../bench/fleet-bench";
import { READ_PRIORITY, requestBudget, WRITE_PRIORITY } from "../lib/aiven/request-budget";

/** The run's request budget: a sliding window, as Aiven counts. */
describe("the request budget", () => {
  it("lets the whole limit go at once: the window's length is not waited for", async () => {
    const budget = requestBudget({ limit: 3, windowMs: 600_000 });
    const started = Date.now();
    await Promise.all([1, 2, 3].map(() => budget.schedule(() => Promise.resolve())));
    expect(Date.now() - started).toBeLessThan(600_000);
  });

  it("never lets more than the limit into any window, however it is aligned", async () => {
    const windowMs = 300;
    const budget = requestBudget({ limit: 3, windowMs });
    const sent: number[] = [];
    await Promise.all(Array.from({ length: 8 }, () => budget.schedule(() => Promise.resolve(sent.push(Date.now())))));
    for (let i = 3; i < sent.length; i++) expect(sent[i] - sent[i - 3]).toBeGreaterThanOrEqual(windowMs);
  });

  it("sends a waiting role change before a read that waited longer", async () => {
    const budget = requestBudget({ limit: 1, windowMs: 100 });
    const order: string[] = [];
    // The first read takes the only place; the next two wait for it to come back.
    await budget.schedule({ priority: READ_PRIORITY }, () => Promise.resolve(order.push("read 1")));
    const read = budget.schedule({ priority: READ_PRIORITY }, () => Promise.resolve(order.push("read 2")));
    const write = budget.schedule({ priority: WRITE_PRIORITY }, () => Promise.resolve(order.push("write")));
    await Promise.all([read, write]);
    expect(order).toEqual(["read 1", "write", "read 2"]);
  });
});

describe("the region failover's floor inside the limit (the bench's yardstick)", () => {
  const rate = { limit: 120, windowMs: 60_000 };
  it("is the transition alone while the role changes and both reads fit in one window", () => {
    expect(regionFailoverFloorMs(50, rate, 1300)).toBe(1300);
    expect(regionFailoverFloorMs(118, rate, 1300)).toBe(1300);
  });
  it("waits a window for every limit's worth of requests before the confirming read", () => {
    // 119 role changes and the first read fill the window: the confirming read waits for the next.
    expect(regionFailoverFloorMs(119, rate, 1300)).toBe(60_000);
    expect(regionFailoverFloorMs(200, rate, 1300)).toBe(61_300);
    expect(regionFailoverFloorMs(240, rate, 1300)).toBe(121_300);
  });
});
