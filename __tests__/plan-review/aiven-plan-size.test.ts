import { comparePlanSize } from "../../lib/plan-review/aiven-plan-size";

describe("comparing Aiven plan sizes", () => {
  it("orders by memory first, then by tier", () => {
    expect(comparePlanSize("startup-4", "startup-8")).toBeLessThan(0);
    expect(comparePlanSize("business-16", "startup-8")).toBeGreaterThan(0);
    expect(comparePlanSize("startup-16", "business-4")).toBeGreaterThan(0);
    expect(comparePlanSize("business-4", "startup-4")).toBeGreaterThan(0);
    expect(comparePlanSize("hobbyist", "startup-4")).toBeLessThan(0);
    expect(comparePlanSize("premium-6x-16", "premium-16")).toBe(0);
  });

  it("does not guess at plan names it does not know", () => {
    expect(comparePlanSize("custom-plan", "startup-4")).toBeUndefined();
    expect(comparePlanSize("startup-4", "")).toBeUndefined();
  });
});
