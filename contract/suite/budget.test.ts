import { describe, expect, it } from "vitest";
import { seedFixtures } from "../fixtures.js";
import { TaskBudget } from "./budget.js";
import type { Answer } from "./http-client.js";

const answer = (status: number, body: unknown, text = JSON.stringify(body) ?? ""): Answer => ({
  status,
  contentType: "application/json",
  headers: {},
  json: body,
  text,
});

/** The provider's own example of a create answered with a task. */
const TASK = seedFixtures.createResponse;

describe("the task budget", () => {
  it("gives a place back only for a recognisable rejection", () => {
    const rejections = [
      answer(400, { code: 400, msg: "bad", data: null }),
      answer(401, undefined, "<html>401</html>"),
      answer(429, {}),
      answer(200, { code: "E400", msg: "参数错误", data: null }),
    ];
    for (const rejection of rejections) {
      const budget = new TaskBudget(1);
      expect(budget.hold()).toBe(true);
      expect(budget.settle(rejection)).toBe("rejected");
      expect(budget.placesUsed).toBe(0);
    }
  });

  it("keeps the place for anything that may have made a task", () => {
    const unclear = [
      answer(500, { code: 500, msg: "oops", data: null }),
      answer(502, undefined, "Bad Gateway"),
      answer(200, {}),
      answer(200, undefined, "<!doctype html>"),
      answer(200, { ...TASK, id: "img-fd35ee52-2a98-44a6-b930-29a88ce9b8fd" }),
      answer(200, { ...TASK, model: "gpt-image-2 " }),
      answer(200, { code: 0, msg: "ok", data: TASK }),
      answer(200, { code: 200, msg: "ok", data: null }),
      answer(200, {
        code: 1,
        msg: "queued as image_fd35ee52-2a98-44a6-b930-29a88ce9b8fd",
        data: null,
      }),
      answer(302, undefined, ""),
      undefined,
    ];
    for (const response of unclear) {
      const budget = new TaskBudget(5);
      budget.hold();
      expect(budget.settle(response), JSON.stringify(response)).toBe("unrecognised");
      expect(budget.placesUsed).toBe(1);
      expect(budget.tasksConfirmed).toBe(0);
    }
  });

  it("counts the tasks the target confirmed apart from the places used", () => {
    const budget = new TaskBudget(3);
    budget.hold();
    expect(budget.settle(answer(200, TASK))).toBe("task");
    budget.hold();
    budget.settle(answer(200, {}));
    expect({ used: budget.placesUsed, confirmed: budget.tasksConfirmed }).toEqual({
      used: 2,
      confirmed: 1,
    });
  });

  it("never holds more than its maximum, and gives back a place whose create was never sent", () => {
    const budget = new TaskBudget(2);
    expect([budget.hold(), budget.hold(), budget.hold()]).toEqual([true, true, false]);
    budget.cancel();
    expect(budget.placesUsed).toBe(1);
    expect(new TaskBudget(0).hold()).toBe(false);
  });
});
