import { jsonErrorLocation } from "../lib/json-error-location";

describe("where text stops being JSON", () => {
  it.each([
    ['{"password":\n  hunter2}', "line 2, column 3 (byte offset 15)"],
    ['{"a": 1,}', "line 1, column 9 (byte offset 8)"],
    ['{"a": "x\u0001y"}', "line 1, column 7 (byte offset 6)"],
    ["", "line 1, column 1 (byte offset 0)"],
    ['{"ä": 1} x', "line 1, column 10 (byte offset 10)"],
  ])("%j breaks at %s, and the answer quotes none of it", (text, where) => {
    expect(jsonErrorLocation(text)).toBe(where);
    expect(jsonErrorLocation(text)).not.toMatch(/hunter2|password|x\u0001y/);
  });

  it("is undefined for JSON", () => {
    expect(jsonErrorLocation('{"a": [1, 2, {"b": null}]}')).toBeUndefined();
  });
});
