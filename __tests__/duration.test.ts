import { parseDuration } from "../lib/duration";
import { UserError } from "../lib/user-error";

describe("parseDuration (--timeout, --poll-interval, --lost-answer-grace)", () => {
  it("reads the durations people type", () => {
    expect(parseDuration("90s", "--timeout")).toBe(90_000);
    expect(parseDuration("2h", "--timeout")).toBe(7_200_000);
  });

  it("refuses a zero duration by saying what range is accepted, not that it is no duration", () => {
    expect(() => parseDuration("0s", "--timeout")).toThrow(
      new UserError('--timeout "0s" is too short: a duration must be longer than zero, such as "30m", "90s" or "2h".'),
    );
  });

  it("refuses what is not a duration, with examples", () => {
    expect(() => parseDuration("soon", "--timeout")).toThrow(
      new UserError('--timeout "soon" is not a duration; use a value such as "30m", "90s" or "2h".'),
    );
  });
});
