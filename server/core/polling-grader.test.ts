import { describe, expect, it, vi } from "vitest";
import { createImage2Client } from "../../contract/client.js";
import { minimalRequest } from "../../contract/request-cases.js";
import type { TaskStatus } from "../../contract/schemas.js";
import { fakeWithAgent } from "../test-support/fake-agent.js";
import { syntheticJournal } from "../test-support/synthetic-journal.js";
import { expectPolitePolling, useFake } from "../testing.js";
import type { JournalEntry } from "./journal.js";
import { gradePolling } from "./polling-grader.js";

const NO_NEW_PROBLEMS = {
  createRetriesAfterUnknownOutcome: 0,
  tasksAbandoned: 0,
  retryAfterIgnored: 0,
  firstPollsTooSoon: 0,
};

describe("the polling grader", () => {
  const api = useFake({ queuedMs: 3000, processingMs: 6000 });
  const client = (key = "sk-polite") =>
    createImage2Client({ baseUrl: api.baseUrl, apiKey: key, fetch: api.fetch });
  const createTask = async (key?: string, prompt = minimalRequest("gpt-image-2").prompt) => {
    const created = await client(key).createTask({ model: "gpt-image-2", prompt });
    if (!created.ok) throw new Error(created.error);
    return created.value;
  };
  const grade = () => {
    const [only, ...others] = api.fake.polling();
    expect(others).toEqual([]);
    return only;
  };
  /** The journal number of the nth request of the test, as the sentences name it. */
  const seq = (index: number) => `#${api.fake.requests()[index]?.seq}`;
  const fail = (route: "createImageTask" | "getTaskResult", status: number, times = 1) =>
    api.fake.addFault({ match: { route }, action: { type: "status", status }, times });

  it("passes a client that polls every 3 s, the first time included, and stops at the end", async () => {
    const { id } = await createTask();
    await client().waitForTask(id, { intervalMs: 3000, sleep: api.sleep });
    const [polite] = expectPolitePolling(api);
    expect(polite).toEqual({
      keyId: expect.stringMatching(/^key_/),
      polls: 3,
      tasksPolled: 1,
      shortestPollIntervalMs: 3000,
      pollsAfterTerminal: 0,
      repeatedCreates: 0,
      ...NO_NEW_PROBLEMS,
      problems: [],
    });
  });

  it("passes a fixed 2 s schedule whose requests arrive up to 5% early, as a busy event loop makes them", async () => {
    const { id } = await createTask();
    const pollAfter = async (ms: number) => {
      api.advance(ms);
      const answer = await client().getTask(id);
      if (!answer.ok) throw new Error(answer.error);
      return answer.value.status;
    };
    // Each poll on the 2 s grid, one of them held up 100 ms: the next one then comes 1,900 ms later.
    for (const ms of [1950, 2100, 1900, 2050]) await pollAfter(ms);
    expect(await pollAfter(2000)).toBe("completed");
    expect(grade()).toMatchObject({ shortestPollIntervalMs: 1900, firstPollsTooSoon: 0 });
    expect(grade()?.problems).toEqual([]);
    await pollAfter(1899);
    expect(grade()?.problems).toEqual([
      expect.stringMatching(/^polled a task 1899 ms after the previous poll/),
      expect.stringMatching(/after a task was completed or failed/),
    ]);
  });

  it("fails a client that polls every 500 ms, naming the interval", async () => {
    const { id } = await createTask();
    await client().waitForTask(id, { intervalMs: 500, sleep: api.sleep });
    expect(() => expectPolitePolling(api)).toThrow(/polled a task 500 ms after the previous poll/);
  });

  it("fails polls after a terminal status and creates repeated within a second, per key", async () => {
    const { id } = await createTask("sk-rude");
    await createTask("sk-rude");
    api.advance(10_000);
    await client("sk-rude").getTask(id);
    api.advance(5_000);
    await client("sk-rude").getTask(id);
    expect(grade()).toMatchObject({
      pollsAfterTerminal: 1,
      repeatedCreates: 1,
      ...NO_NEW_PROBLEMS,
    });
    expect(() => expectPolitePolling(api)).toThrow(
      /after a task was completed or failed[\s\S]*billed task/,
    );
  });

  it("takes a looser interval when asked, for the first poll too", async () => {
    const { id } = await createTask();
    await client().waitForTask(id, { intervalMs: 1000, sleep: api.sleep });
    expect(grade()).toMatchObject({ shortestPollIntervalMs: 1000, firstPollsTooSoon: 1 });
    expect(expectPolitePolling(api, { minIntervalMs: 1000 })[0]?.problems).toEqual([]);
  });

  describe("a create repeated after an answer that may have made a task", () => {
    it("is reported 3 s after a 503, naming both requests and the body", async () => {
      fail("createImageTask", 503);
      expect(await client().createTask(minimalRequest("gpt-image-2"))).toMatchObject({
        ok: false,
        status: 503,
      });
      api.advance(3000);
      await createTask();
      const [first, second] = api.fake.requests();
      expect(first).toMatchObject({ route: "createImageTask", keyId: second?.keyId, status: 503 });
      expect(first?.bodyHash).toBe(second?.bodyHash);
      expect(grade()).toMatchObject({ createRetriesAfterUnknownOutcome: 1, repeatedCreates: 0 });
      expect(grade()?.problems).toEqual([
        `resent a create (request ${seq(1)}, body ${second?.bodyHash}) 3000 ms after the same create (request ${seq(0)}) was answered 503, 1 such create(s) in all: the first may have made a billed task and the provider documents no idempotency, so do not resend a create after a 5xx, a dropped connection or a timeout; report the failure instead`,
      ]);
    });

    it("is reported after the connection was dropped", async () => {
      api.fake.addFault({
        match: { route: "createImageTask" },
        action: { type: "drop" },
        times: 1,
      });
      await expect(client().createTask(minimalRequest("gpt-image-2"))).rejects.toThrow(TypeError);
      api.advance(3000);
      await createTask();
      expect(api.fake.requests()[0]).toMatchObject({ status: 0, outcome: "dropped" });
      expect(grade()?.problems).toEqual([
        expect.stringContaining(
          `after the same create (request ${seq(0)}) was cut off (connection dropped)`,
        ),
      ]);
    });

    it("is reported after the client timed out, though the first create made a task", async () => {
      api.fake.addFault({
        match: { route: "createImageTask" },
        action: { type: "latency", ms: 600_000 },
        times: 1,
      });
      const timeout = new AbortController();
      const sent = api.fetch(`${api.baseUrl}/v1/image2/images`, {
        method: "POST",
        headers: { Authorization: "Bearer sk-polite", "Content-Type": "application/json" },
        body: JSON.stringify(minimalRequest("gpt-image-2")),
        signal: timeout.signal,
      });
      api.advance(30_000);
      timeout.abort();
      await expect(sent).rejects.toThrow(/abort/i);
      // The fake finishes the request once it sees the client gone, a few ticks later.
      await vi.waitFor(() => expect(api.fake.requests()).toHaveLength(1), { timeout: 10_000 });
      await createTask();
      expect(api.fake.requests()[0]).toMatchObject({
        status: 0,
        outcome: "aborted",
        taskId: expect.stringMatching(/^image_/),
      });
      expect(grade()?.problems).toEqual([
        expect.stringContaining(
          `30000 ms after the same create (request ${seq(0)}) was abandoned by the client before its answer (a timeout)`,
        ),
      ]);
    });

    it("is not reported once a 429's Retry-After has passed, and sooner it is Retry-After ignored", async () => {
      api.fake.addFault({
        match: { route: "createImageTask" },
        action: { type: "status", status: 429, headers: { "Retry-After": "5" } },
        times: 2,
      });
      await client().createTask(minimalRequest("gpt-image-2"));
      api.advance(5000);
      await client().createTask(minimalRequest("gpt-image-2"));
      expect(grade()).toMatchObject({ ...NO_NEW_PROBLEMS, problems: [] });
      api.advance(4999);
      await createTask();
      expect(grade()).toMatchObject({ ...NO_NEW_PROBLEMS, retryAfterIgnored: 1 });
      expect(grade()?.problems).toEqual([
        `sent a create (request ${seq(2)}) 4999 ms after a 429 (request ${seq(1)}) that asked to retry after 5000 ms, 1 such request(s) in all: wait out Retry-After before the next request with this key`,
      ]);
    });
  });

  describe("a task abandoned while pending", () => {
    it("is reported once 30 s pass after a 429 on its poll with no poll since, not before", async () => {
      const { id } = await createTask();
      api.advance(2000);
      fail("getTaskResult", 429);
      expect(await client().getTask(id)).toMatchObject({ ok: false, status: 429 });
      api.advance(29_999);
      expect(grade()).toMatchObject({ tasksAbandoned: 0 });
      api.advance(1);
      expect(grade()).toMatchObject({ ...NO_NEW_PROBLEMS, tasksAbandoned: 1 });
      expect(grade()?.problems).toEqual([
        `stopped polling task ${id}, last seen queued, after its poll (request ${seq(1)}) was answered 429, and has not polled it in the 30000 ms since, 1 such task(s) in all: the task runs on and is billed, and its image is lost; keep polling every 2–5 s, waiting out any Retry-After, until completed or failed`,
      ]);
    });

    it("counts a dropped poll and a 5xx as failed polls too", async () => {
      const dropped = await createTask();
      const failed = await createTask("sk-other");
      api.advance(3000);
      api.fake.addFault({ match: { route: "getTaskResult" }, action: { type: "drop" }, times: 1 });
      await expect(client().getTask(dropped.id)).rejects.toThrow(TypeError);
      fail("getTaskResult", 502);
      await client("sk-other").getTask(failed.id);
      api.advance(30_000);
      const grades = api.fake.polling();
      expect(grades.map((g) => g.tasksAbandoned)).toEqual([1, 1]);
      expect(grades[0]?.problems.join()).toContain("was cut off (connection dropped)");
      expect(grades[1]?.problems.join()).toContain("was answered 502");
    });

    it("is not reported when polling resumed after the failure, or the client knew it ended", async () => {
      const { id } = await createTask();
      api.advance(2000);
      fail("getTaskResult", 503);
      await client().getTask(id);
      api.advance(2000);
      await client().waitForTask(id, { intervalMs: 2000, sleep: api.sleep });
      fail("getTaskResult", 429);
      await client().getTask(id);
      api.advance(60_000);
      expect(grade()).toMatchObject({ ...NO_NEW_PROBLEMS, pollsAfterTerminal: 0 });
    });
  });

  describe("Retry-After ignored", () => {
    it("is reported for any request of the key sooner than the last 429 asked, not after", async () => {
      const first = await createTask();
      const second = await createTask(undefined, "a second picture");
      api.advance(3000);
      fail("getTaskResult", 429);
      await client().getTask(first.id);
      api.advance(999);
      await client().getTask(second.id);
      api.advance(1);
      await client().getTask(first.id);
      expect(grade()).toMatchObject({ ...NO_NEW_PROBLEMS, retryAfterIgnored: 1 });
      expect(grade()?.problems).toEqual([
        expect.stringContaining(
          `sent a poll (request ${seq(3)}) 999 ms after a 429 (request ${seq(2)})`,
        ),
      ]);
    });

    it("counts the Retry-After of a 503 too", async () => {
      const { id } = await createTask();
      api.fake.addFault({
        match: { route: "createImageTask" },
        action: { type: "status", status: 503, headers: { "Retry-After": "60" } },
        times: 1,
      });
      await client().createTask({ model: "gpt-image-2", prompt: "another" });
      api.advance(3000);
      await client().createTask({ model: "gpt-image-2", prompt: "a third" });
      await client().getTask(id);
      expect(grade()).toMatchObject({ retryAfterIgnored: 2, createRetriesAfterUnknownOutcome: 0 });
    });
  });

  describe("a first poll too soon", () => {
    it("is reported 10 ms after the create answered queued, naming the task", async () => {
      const { id } = await createTask();
      api.advance(10);
      await client().getTask(id);
      expect(grade()).toMatchObject({ ...NO_NEW_PROBLEMS, firstPollsTooSoon: 1 });
      expect(grade()?.problems).toEqual([
        `polled task ${id} 10 ms after its create answered queued, 1 such task(s) in all; the provider asks for 2000 ms or more: wait one polling interval before the first poll`,
      ]);
    });

    it("is counted once per task, even when that poll failed", async () => {
      const tasks = [await createTask(), await createTask(undefined, "a second picture")];
      fail("getTaskResult", 429);
      for (const { id } of tasks) await client().getTask(id);
      api.advance(2000);
      for (const { id } of tasks) await client().getTask(id);
      expect(grade()).toMatchObject({ firstPollsTooSoon: 2 });
    });
  });
});

describe("gradePolling on a journal", () => {
  const entry = (fields: Partial<JournalEntry> & Pick<JournalEntry, "at" | "status">) =>
    ({
      seq: 0,
      durationMs: 1,
      method: "POST",
      path: "/v1/image2/images",
      keyId: "key_a",
      ...fields,
    }) as const;
  const create = (at: number, status: number, bodyHash = "body") =>
    entry({ at, status, route: "createImageTask", bodyHash });
  const retries = (entries: JournalEntry[]) =>
    gradePolling(entries)[0]?.createRetriesAfterUnknownOutcome;

  it("counts a retried create within 10 minutes of the unknown outcome, not later", () => {
    expect(retries([create(0, 503), create(600_000, 200)])).toBe(1);
    expect(retries([create(0, 503), create(600_001, 200)])).toBe(0);
    expect(gradePolling([create(0, 503), create(10_000, 200)], { retryWindowMs: 5000 })).toEqual([
      expect.objectContaining({ createRetriesAfterUnknownOutcome: 0 }),
    ]);
  });

  it("leaves alone another body, a create that was refused, and a create after a success", () => {
    expect(retries([create(0, 503, "one"), create(3000, 200, "two")])).toBe(0);
    expect(retries([create(0, 400), create(3000, 400), create(6000, 200)])).toBe(0);
    expect(retries([create(0, 503), create(3000, 503), create(6000, 200), create(9000, 200)])).toBe(
      2,
    );
  });

  it("tells apart keys, and ignores requests with no key", () => {
    const other = { ...create(3000, 200), keyId: "key_b" };
    const anonymous = { ...create(3000, 200), keyId: undefined };
    expect(retries([create(0, 503), other, anonymous])).toBe(0);
    expect(gradePolling([create(0, 503), other, anonymous])).toHaveLength(2);
  });

  it("measures abandonment from the newest entry when not told the time", () => {
    const poll = (at: number, status: number, taskStatus?: TaskStatus) =>
      entry({ at, status, route: "getTaskResult", taskId: "image_1", taskStatus });
    const created = entry({ ...create(0, 200), taskId: "image_1", taskStatus: "queued" });
    const journal = [created, poll(2000, 429), { ...create(32_000, 200, "later") }];
    expect(gradePolling(journal)[0]?.tasksAbandoned).toBe(1);
    expect(gradePolling(journal, { now: 31_999 })[0]?.tasksAbandoned).toBe(0);
    expect(gradePolling(journal, { abandonGraceMs: 60_000 })[0]?.tasksAbandoned).toBe(0);
  });

  it("reads each entry a bounded number of times, so 10 times the journal costs 10 times the work", () => {
    const READS_PER_ENTRY = 40;
    const readsToGrade = (size: number) => {
      let reads = 0;
      const budget = size * READS_PER_ENTRY;
      const watched = syntheticJournal(size).map(
        (journalEntry) =>
          new Proxy(journalEntry, {
            get(target, field, receiver) {
              reads += 1;
              // Fails at once on a grader that rescans the journal, instead of running for minutes.
              if (reads > budget) throw new Error(`more than ${READS_PER_ENTRY} reads per entry`);
              return Reflect.get(target, field, receiver);
            },
          }),
      );
      const grades = gradePolling(watched);
      // Every grade is exercised: each key makes each mistake.
      expect(grades.map((g) => g.problems.length)).toEqual([7, 7]);
      return reads;
    };
    const small = readsToGrade(2_000);
    const large = readsToGrade(20_000);
    expect(large / small).toBeGreaterThan(9.9);
    expect(large / small).toBeLessThan(10.1);
  });
});

describe("GET /__fake/polling", () => {
  it("grades each key on the fake's clock", async () => {
    const { agent, create, result, fake } = fakeWithAgent({ profile: "instant" });
    const { id } = (await create()).body;
    await result(id);
    fake.advance(100);
    await result(id);
    const res = await agent.get("/__fake/polling");
    expect(res.body.keys).toMatchObject([
      { polls: 2, shortestPollIntervalMs: 100, pollsAfterTerminal: 1, firstPollsTooSoon: 1 },
    ]);
    const loose = await agent.get("/__fake/polling?minIntervalMs=50");
    expect(loose.body.keys[0].problems).toEqual([
      "polled 1 time(s) after a task was completed or failed",
      expect.stringMatching(/^polled task image_\S+ 0 ms after its create answered processing/),
    ]);
  });

  it("sees a task abandoned once the control API moves the clock past the grace", async () => {
    const { agent, create, result } = fakeWithAgent({ queuedMs: 60_000 });
    const { id } = (await create()).body;
    await agent.post("/__fake/clock").send({ advanceMs: 2000 });
    await agent
      .post("/__fake/faults")
      .send({ match: { route: "getTaskResult" }, action: { type: "status", status: 429 } });
    expect((await result(id)).status).toBe(429);
    const tasksAbandoned = async (query = "") =>
      (await agent.get(`/__fake/polling${query}`)).body.keys[0].tasksAbandoned;
    expect(await tasksAbandoned()).toBe(0);
    await agent.post("/__fake/clock").send({ advanceMs: 30_000 });
    expect(await tasksAbandoned()).toBe(1);
    expect(await tasksAbandoned("?abandonGraceMs=60000")).toBe(0);
  });

  it("counts the 429s of the fake's rate limiter", async () => {
    const { agent, create } = fakeWithAgent({ rateLimit: "2/s" });
    for (let i = 0; i < 4; i += 1) await create();
    const { keys } = (await agent.get("/__fake/polling")).body;
    expect(keys[0]).toMatchObject({ retryAfterIgnored: 1, repeatedCreates: 1 });
  });

  it("rejects a bad or unknown threshold, naming it", async () => {
    const { agent } = fakeWithAgent();
    const bad = await agent.get("/__fake/polling?minIntervalMs=soon");
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toMatchObject([{ path: "minIntervalMs" }]);
    expect((await agent.get("/__fake/polling?abandonGraceMs=-1")).status).toBe(400);
    expect((await agent.get("/__fake/polling?minInterval=5")).status).toBe(400);
    const all = "minIntervalMs=1&repeatWindowMs=2&retryWindowMs=3&abandonGraceMs=4.5";
    expect((await agent.get(`/__fake/polling?${all}`)).status).toBe(200);
  });
});
