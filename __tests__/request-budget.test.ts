import { regionFailoverFloorMs } from "../bench/fleet-bench";
import { AivenClient } from "../lib/aiven/aiven-client";
import { parseRateLimit, pollGapMs, READ_PRIORITY, requestBudget, WRITE_PRIORITY } from "../lib/aiven/request-budget";
import { UserError } from "../lib/user-error";
import { waitFor } from "./support/wait-for";

/** The run's request budget: a sliding window, as Aiven counts. */
describe("the request budget", () => {
  it("lets the whole limit go at once: the window's length is not waited for", async () => {
    const budget = requestBudget({ limit: 3, windowMs: 600_000 });
    const started = Date.now();
    await Promise.all([1, 2, 3].map(() => budget.schedule(() => Promise.resolve())));
    expect(Date.now() - started).toBeLessThan(600_000);
  });

  it("never lets more than the limit into any window, however it is aligned", async () => {
    // On a fake clock: on the real one a busy machine delays a job past the moment its place was counted from.
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    try {
      const windowMs = 300;
      const budget = requestBudget({ limit: 3, windowMs });
      const sent: number[] = [];
      const all = Promise.all(
        Array.from({ length: 8 }, () => budget.schedule(() => Promise.resolve(sent.push(Date.now())))),
      );
      await jest.advanceTimersByTimeAsync(3 * windowMs);
      await all;
      expect(sent).toHaveLength(8);
      for (let i = 3; i < sent.length; i++) expect(sent[i] - sent[i - 3]).toBeGreaterThanOrEqual(windowMs);
    } finally {
      jest.useRealTimers();
    }
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

describe("a place in the budget comes back a window after it left, plus a margin for the network", () => {
  afterEach(() => jest.useRealTimers());

  it.each([
    // A fiftieth of the window, at most a second.
    [10_000, 200],
    [600_000, 1000],
  ])("window %i ms: the next request waits the window and %i ms", async (windowMs, margin) => {
    // On a fake clock, moved past the return: Bottleneck starts jobs on timers too.
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    const budget = requestBudget({ limit: 1, windowMs });
    const sentAt: number[] = [];
    const both = Promise.all([1, 2].map(() => budget.schedule(() => Promise.resolve(sentAt.push(Date.now())))));
    await jest.advanceTimersByTimeAsync(windowMs + margin + 100);
    await both;
    const [first, second] = sentAt;
    expect(second - first).toBeGreaterThanOrEqual(windowMs + margin);
    // Bottleneck's own scheduling adds a few milliseconds of the fake clock, never a margin's worth.
    expect(second - first).toBeLessThan(windowMs + margin + 50);
  });
});

describe("the places coming back keep the process alive only while a request waits for one", () => {
  afterEach(() => jest.restoreAllMocks());

  it("a finished run is not held for a window; a queued request is, until it has gone", async () => {
    const windowMs = 600_000;
    // The timers that give places back (a window and a second later) are the only ones that long.
    const comingBack: NodeJS.Timeout[] = [];
    const realSetTimeout = global.setTimeout;
    jest.spyOn(global, "setTimeout").mockImplementation(((callback: () => void, ms?: number) => {
      const timer = realSetTimeout(callback, ms);
      if (ms === windowMs + 1000) comingBack.push(timer);
      return timer;
    }) as typeof setTimeout);
    /** How many of them keep the process from exiting. */
    const holding = () => comingBack.filter((t) => t.hasRef()).length;

    const budget = requestBudget({ limit: 1, windowMs });
    await budget.schedule(() => Promise.resolve());
    expect([comingBack.length, holding()]).toEqual([1, 0]);
    const second = budget.schedule(() => Promise.resolve());
    await waitFor(() => budget.counts().QUEUED === 1);
    // Unheld, node would exit here mid-run, with status 0.
    expect(holding()).toBe(1);
    await budget.incrementReservoir(1);
    await second;
    expect([comingBack.length, holding()]).toEqual([2, 0]);
    for (const timer of comingBack) clearTimeout(timer);
  });
});

describe("the rate limit a setting gives (CRDR_API_RATE_LIMIT)", () => {
  it.each([
    ["120/60s", { limit: 120, windowMs: 60_000 }],
    ["120", { limit: 120, windowMs: 60_000 }],
    [" 30 / 500 ms ", { limit: 30, windowMs: 500 }],
    ["10/2m", { limit: 10, windowMs: 120_000 }],
    ["10/5", { limit: 10, windowMs: 5000 }],
    ["1/1ms", { limit: 1, windowMs: 1 }],
  ])("reads %j", (setting, rate) => {
    expect(parseRateLimit(setting)).toEqual(rate);
    expect(AivenClient.fromEnv({ AIVEN_TOKEN: "t", CRDR_API_RATE_LIMIT: setting }).rateLimit).toEqual(rate);
  });

  it.each(["0/60s", "10/0s", "abc", "x120", "120/60sx", "120/", "/60s", "120/60h", "-5/60s", "1.5/60s"])(
    "refuses %j with a sentence naming it and the fix",
    (setting) => {
      expect(parseRateLimit(setting)).toBeUndefined();
      expect(() => AivenClient.fromEnv({ AIVEN_TOKEN: "t", CRDR_API_RATE_LIMIT: setting })).toThrow(
        new UserError(
          `CRDR_API_RATE_LIMIT=${JSON.stringify(setting)} is not a rate; give requests per window such as 120/60s, or unset it for Aiven's 120 per minute.`,
        ),
      );
    },
  );
});

describe("how often a fleet's shared poll may spend a request", () => {
  it.each([
    // Twice the refill interval of the half of the limit the polls may use.
    [{ limit: 120, windowMs: 60_000 }, 2000],
    [{ limit: 7, windowMs: 60_000 }, 30_000],
    // Never more often than once a second.
    [{ limit: 120, windowMs: 1000 }, 1000],
    [{ limit: 1, windowMs: 100 }, 1000],
    [{ limit: 1, windowMs: 10_000 }, 20_000],
  ])("%j: every %i ms", (rate, gap) => {
    expect(pollGapMs(rate)).toBe(gap);
  });
});
