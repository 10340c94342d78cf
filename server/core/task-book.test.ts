import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { minimalRequest } from "../../contract/request-cases.js";
import { CreateImageRequest } from "../../contract/schemas.js";
import { hash32 } from "./random.js";
import { TaskBook } from "./task-book.js";
import { ERROR_SLOTS, NONCES, type TaskFacts, tableOutputOf } from "./task-id.js";
import { DEFAULT_FAILURE_ERROR } from "./task-planner.js";
import { IMAGE_LIFETIME_MS, statusAt, type TaskPlan } from "./tasks.js";

const NOW = Date.UTC(2026, 2, 1);
const KEY = "sk-book";
const request = CreateImageRequest.parse(minimalRequest("gpt-image-2"));

function create(book: TaskBook, plan: Partial<TaskPlan> = {}, now = NOW, asked = request) {
  const created = book.create({
    request: asked,
    output: tableOutputOf(asked),
    plan: {
      queuedMs: 1000,
      processingMs: 4000,
      outcome: "completed",
      error: DEFAULT_FAILURE_ERROR,
      ...plan,
    },
    ownerKey: KEY,
    keyId: "key_book",
    now,
  });
  if (!created.ok) throw new Error(created.problem);
  return created.task;
}

/** Two texts whose hashes share a slot: the second cannot have one of its own. */
function collidingTexts(): [string, string] {
  const bySlot = new Map<number, string>();
  for (let i = 0; ; i += 1) {
    const text = `failure ${i}`;
    const slot = hash32(text) % ERROR_SLOTS;
    const other = bySlot.get(slot);
    if (other !== undefined) return [other, text];
    bySlot.set(slot, text);
  }
}

describe("the task book", () => {
  it("answers a task after 100,000 newer ones, with the right status, until a day after it ended", () => {
    const book = new TaskBook("book", 10);
    const first = create(book);
    for (let i = 0; i < 100_000; i += 1) create(book, {}, NOW + 1 + (i >> 10));
    const at = (ms: number) => {
      const task = book.find(first.id, KEY, NOW + ms);
      return task && statusAt(task, NOW + ms);
    };
    expect([at(999), at(1000), at(4999), at(5000)]).toEqual([
      "queued",
      "processing",
      "processing",
      "completed",
    ]);
    expect(at(5000 + IMAGE_LIFETIME_MS)).toBe("completed");
    expect(book.recentCount).toBe(10);
  });

  it("answers another process's ids when the seed is the same, and not otherwise", () => {
    const task = create(new TaskBook("shared", 10));
    expect(new TaskBook("shared", 10).find(task.id, KEY, NOW)?.plan).toEqual(task.plan);
    expect(new TaskBook("other", 10).find(task.id, KEY, NOW)).toBeUndefined();
  });

  it("answers an error text from any process that has seen it, and the default from one that has not", () => {
    const task = create(new TaskBook("shared", 10), {
      outcome: "failed",
      error: "moderation: blocked",
    });
    const replica = new TaskBook("shared", 10);
    expect(replica.find(task.id, KEY, NOW)?.plan.error).toBe(DEFAULT_FAILURE_ERROR);
    create(replica, { outcome: "failed", error: "moderation: blocked" });
    expect(replica.find(task.id, KEY, NOW)?.plan.error).toBe("moderation: blocked");
  });

  it("keeps the plan of a task whose error text has no slot free, and refuses past --max-tasks", () => {
    const [first, second] = collidingTexts();
    const book = new TaskBook("texts", 1);
    const a = create(book, { outcome: "failed", error: first });
    const b = create(book, { outcome: "failed", error: second });
    expect(book.find(a.id, KEY, NOW)?.plan.error).toBe(first);
    expect(book.find(b.id, KEY, NOW)?.plan.error).toBe(second);
    expect(() => create(book, { outcome: "failed", error: second })).toThrow(
      /keeps 1 changed tasks/,
    );
    // Once the kept task's image has expired, its place is free again.
    expect(create(book, { error: second }, NOW + 5000 + IMAGE_LIFETIME_MS).plan.error).toBe(second);
  });

  it("keeps a changed plan until the task's image expires, and at most --max-tasks of them", () => {
    const book = new TaskBook("changes", 1);
    const a = create(book);
    const b = create(book);
    const failed: TaskPlan = { ...a.plan, outcome: "failed", error: "stalled" };
    expect(book.change(a, failed, NOW)).toEqual({ ok: true, task: { ...a, plan: failed } });
    expect(book.find(a.id, KEY, NOW + 10_000)?.plan).toEqual(failed);
    expect(book.change(b, failed, NOW).ok).toBe(false);
    expect(book.change(b, failed, NOW + 5000 + IMAGE_LIFETIME_MS).ok).toBe(true);
  });

  it("reads a recent task back whole after a task that differs in every fact took its record", () => {
    const book = new TaskBook("records", 1);
    const made = (asked: unknown, plan: TaskPlan, keyId: string, now: number) => {
      const parsed = CreateImageRequest.parse(asked);
      const created = book.create({
        request: parsed,
        output: tableOutputOf(parsed),
        plan,
        ownerKey: KEY,
        keyId,
        now,
      });
      if (!created.ok) throw new Error(created.problem);
      return { parsed, task: created.task };
    };
    const first = made(
      { ...request, size: "2048x1152", quality: "high", image_urls: ["https://example.com/a.png"] },
      { queuedMs: 100, processingMs: 200, outcome: "failed", error: "a text of its own" },
      "key_first",
      NOW,
    );
    const second = made(
      {
        model: "gpt-image-2-r",
        prompt: "a harbour",
        quality: "low",
        ratio: "4:3",
        resolution: "1k",
      },
      { queuedMs: 2000, processingMs: 3000, outcome: "completed", error: DEFAULT_FAILURE_ERROR },
      "key_second",
      NOW + 7,
    );
    // Not vacuous: a fact copied from the first task would show.
    for (const [fact, value] of Object.entries(first.task.facts))
      expect([fact, value]).not.toEqual([fact, second.task.facts[fact as keyof TaskFacts]]);
    expect(book.recent(first.task.id)).toBeUndefined();
    expect(book.recent(second.task.id)).toEqual({
      ...book.find(second.task.id, KEY, NOW + 7),
      id: second.task.id,
      keyId: "key_second",
      request: {
        model: "gpt-image-2-r",
        prompt: "a harbour",
        quality: second.parsed.quality,
        ratio: "4:3",
        resolution: "1k",
        size: undefined,
        reference_images: 0,
      },
    });
  });

  it("keeps 200 characters of each recent task's prompt, never the whole prompt", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const book = new TaskBook("prompts", 30);
    gc();
    const before = process.memoryUsage().heapUsed;
    let last = "";
    for (let i = 0; i < 30; i += 1) {
      // As the body's JSON gives it: a string of its own, a MiB long.
      const prompt = JSON.parse(JSON.stringify(`${i} ${"a lighthouse at dusk ".repeat(50_000)}`));
      last = create(book, {}, NOW + i, { ...request, prompt }).id;
    }
    gc();
    const grownMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    expect(book.recent(last)?.request.prompt).toBe(
      `29 ${"a lighthouse at dusk ".repeat(10)}`.slice(0, 200),
    );
    // Thirty MiB were it the prompts; what is kept is thirty short strings.
    expect(grownMb).toBeLessThan(10);
  });

  it("cuts a prompt at 200 characters, never in the middle of a character", () => {
    const book = new TaskBook("cut", 10);
    const promptOf = (prompt: string) =>
      book.recent(create(book, {}, NOW, { ...request, prompt }).id)?.request.prompt;
    expect(promptOf(`${"a".repeat(199)}😀${"b".repeat(10)}`)).toBe("a".repeat(199));
    expect(promptOf(`${"a".repeat(198)}😀${"b".repeat(10)}`)).toBe(`${"a".repeat(198)}😀`);
    expect(promptOf(`\ud800${"a".repeat(300)}`)).toBe(`\ud800${"a".repeat(199)}`);
  });

  it("refuses a create past the distinct ids one millisecond can hold", () => {
    const book = new TaskBook("burst", 10);
    const ids = new Set<string>();
    for (let i = 0; i < NONCES; i += 1) ids.add(create(book).id);
    expect(ids.size).toBe(NONCES);
    expect(() => create(book)).toThrow(/advance the clock/);
    expect(create(book, {}, NOW + 1).id).toMatch(/^image_/);
  });
});
