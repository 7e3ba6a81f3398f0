import { RATE_LIMIT_BACKOFF, rateLimitWaitMs } from "../lib/aiven/rate-limit-backoff";

describe("the wait after a role change is rate-limited", () => {
  it("is what Aiven asks for the first few times, then doubles whatever Aiven says", () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map((n) => rateLimitWaitMs(n, 1));
    expect(waits).toEqual([1000, 1000, 1000, 2000, 4000, 8000, 16000]);
  });

  it("is capped", () => {
    expect(rateLimitWaitMs(30, 1)).toBe(RATE_LIMIT_BACKOFF.maxMs);
    expect(rateLimitWaitMs(4, 28)).toBe(56_000);
    expect(rateLimitWaitMs(9, 28)).toBe(RATE_LIMIT_BACKOFF.maxMs);
  });

  it("is 30 s when Aiven names no wait, and never below a second when it asks for none", () => {
    expect(rateLimitWaitMs(1, undefined)).toBe(30_000);
    expect(rateLimitWaitMs(1, 0)).toBe(1000);
    expect(rateLimitWaitMs(5, 0)).toBe(4000);
  });
});
