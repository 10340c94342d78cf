import { describe, expect, it } from "vitest";
import { FaultSet } from "./faults.js";
import { createRandom } from "./random.js";

describe("fault set", () => {
  it("draws a random latency within its range, and a fixed one exactly", () => {
    const faults = new FaultSet(createRandom("latency"));
    const drawn = Array.from({ length: 200 }, () =>
      faults.delayOf({ type: "latency", ms: 10, maxMs: 50 }),
    );
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...drawn)).toBeLessThanOrEqual(50);
    expect(new Set(drawn).size).toBeGreaterThan(10);
    expect(faults.delayOf({ type: "latency", ms: 10 })).toBe(10);
  });

  it("matches a route by name, with or without the base path", () => {
    const faults = new FaultSet(createRandom("match"));
    faults.add({ match: { route: "getTaskResult" }, action: { type: "drop" } });
    expect(faults.take("GET", "/v1/result/image_1")).toBeDefined();
    expect(faults.take("GET", "/kyyReactApiServer/v1/result/image_1")).toBeDefined();
    expect(faults.take("POST", "/v1/result/image_1")).toBeUndefined();
    expect(faults.take("GET", "/v1/image2/images")).toBeUndefined();
  });

  it("takes the first matching rule and forgets it once used up", () => {
    const faults = new FaultSet(createRandom("order"));
    const first = faults.add({ action: { type: "drop" }, times: 1 });
    const second = faults.add({ action: { type: "status", status: 500 } });
    expect(faults.take("GET", "/x")?.id).toBe(first.id);
    expect(faults.take("GET", "/x")?.id).toBe(second.id);
    expect(faults.list().map((rule) => rule.id)).toEqual([second.id]);
  });
});
