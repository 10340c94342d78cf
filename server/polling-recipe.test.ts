/**
 * The README's recipe, run: a client goes through a 503 on a create and 429s on its polls, and the
 * polling grades name what it did. A naive client makes each mistake seen in open-source clients
 * of this API; a polite one makes none.
 */
import { describe, expect, it } from "vitest";
import { expectPolitePolling, type FakeHandle, useFake } from "./testing.js";

interface ClientOptions {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly sleep: (ms: number) => Promise<void>;
}

interface Task {
  readonly id: string;
  readonly status: string;
  readonly image_url?: string;
  readonly error?: string;
}

const headers = { Authorization: "Bearer sk-test", "Content-Type": "application/json" };

/** Both clients send the same create; they differ in what they do with its answer. */
const createTask = ({ baseUrl, fetch }: ClientOptions, prompt: string) =>
  fetch(`${baseUrl}/v1/image2/images`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "gpt-image-2", prompt }),
  });

function naiveClient(options: ClientOptions) {
  const { baseUrl, fetch, sleep } = options;
  const create = (prompt: string) => createTask(options, prompt);
  return {
    async generate(prompt: string): Promise<string> {
      let created = await create(prompt);
      while (created.status >= 500) {
        await sleep(3000);
        created = await create(prompt); // the first may have made a task: a second one is billed
      }
      const { id } = (await created.json()) as Task;
      await sleep(10); // the task is surely still queued
      for (let limited = 0; ; ) {
        const polled = await fetch(`${baseUrl}/v1/result/${id}`, { headers });
        if (polled.status === 429) {
          if (++limited > 1) throw new Error("rate limited"); // gives the task up
          continue; // at once, whatever Retry-After says
        }
        const task = (await polled.json()) as Task;
        if (task.status === "completed") return task.image_url ?? "";
        if (task.status === "failed") throw new Error(task.error);
        await sleep(2000);
      }
    },
  };
}

function politeClient(options: ClientOptions) {
  const { baseUrl, fetch, sleep } = options;
  const create = (prompt: string) => createTask(options, prompt);
  const retryAfterMs = (res: Response) => 1000 * Number(res.headers.get("retry-after") ?? 0);
  return {
    async generate(prompt: string): Promise<string> {
      let created = await create(prompt);
      while (created.status === 429) {
        // Refused, so no task was made: safe to send again once Retry-After has passed.
        await sleep(Math.max(retryAfterMs(created), 1000));
        created = await create(prompt);
      }
      if (!created.ok)
        throw new Error(`create answered ${created.status}: not resent, it may have made a task`);
      const { id } = (await created.json()) as Task;
      for (let wait = 2000; ; wait = 2000) {
        await sleep(wait);
        const polled = await fetch(`${baseUrl}/v1/result/${id}`, { headers }).catch(() => null);
        if (!polled || polled.status === 429 || polled.status >= 500) {
          wait = Math.max(wait, polled ? retryAfterMs(polled) : 0);
          continue; // a poll is safe to repeat: keep going until the task ends
        }
        const task = (await polled.json()) as Task;
        if (task.status === "completed") return task.image_url ?? "";
        if (task.status === "failed") throw new Error(task.error);
      }
    },
  };
}

/** Two jobs through a 503 on the first create and a 429 on the next two polls. */
async function runThroughFaults(api: FakeHandle, client: ReturnType<typeof naiveClient>) {
  api.fake.addFault({
    match: { route: "createImageTask" },
    action: { type: "status", status: 503 },
    times: 1,
  });
  api.fake.addFault({
    match: { route: "getTaskResult" },
    action: { type: "status", status: 429 }, // with Retry-After: 1
    times: 2,
  });
  const outcomes: string[] = [];
  for (const prompt of ["a lighthouse at dusk", "a fox in the snow"]) {
    outcomes.push(await client.generate(prompt).catch((error: Error) => error.message));
  }
  api.advance(30_000); // past the grace after which a task nobody polls counts as abandoned
  return outcomes;
}

describe("the polling recipe", () => {
  const api = useFake({ queuedMs: 3000, processingMs: 6000 });

  it("names each mistake of a naive client", async () => {
    const outcomes = await runThroughFaults(api, naiveClient(api));
    expect(outcomes).toEqual(["rate limited", expect.stringMatching(/\/images\/[^/]+\.png$/)]);
    expect(() => expectPolitePolling(api)).toThrow(
      /resent a create[\s\S]*stopped polling task[\s\S]*after a 429[\s\S]*polled task .* 10 ms after its create/,
    );
    expect(api.fake.polling()).toEqual([
      expect.objectContaining({
        createRetriesAfterUnknownOutcome: 1,
        tasksAbandoned: 1,
        // The poll sent at once after the 429, then the next job's create and poll, as soon.
        retryAfterIgnored: 3,
        firstPollsTooSoon: 2,
        problems: [expect.any(String), expect.any(String), expect.any(String), expect.any(String)],
      }),
    ]);
  });

  it("finds nothing wrong with a polite client", async () => {
    const outcomes = await runThroughFaults(api, politeClient(api));
    expect(outcomes).toEqual([
      "create answered 503: not resent, it may have made a task",
      expect.stringMatching(/\/images\/[^/]+\.png$/),
    ]);
    const [grade] = expectPolitePolling(api);
    expect(grade).toMatchObject({
      createRetriesAfterUnknownOutcome: 0,
      tasksAbandoned: 0,
      retryAfterIgnored: 0,
      firstPollsTooSoon: 0,
      polls: 3,
      problems: [],
    });
  });
});
