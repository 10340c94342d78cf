/**
 * `image2-kit/testing`: vitest helpers for a downstream suite. One in-process fake per test file,
 * reset after each test, on a manual clock the test moves instead of sleeping.
 */
import { PRODUCTION_BASE_URL } from "../contract/routes.js";
import type { FakeController } from "./core/fake-controller.js";
import type { FakeOptionsInput } from "./core/options.js";
import type { GradeOptions, PollingGrade } from "./core/polling-grader.js";
import { createFakeFetch, type FakeFetch } from "./fake-fetch.js";
import { isMissingPackage, missingPeersMessage } from "./peer-dependencies.js";

// vitest is an optional peer: the project's own copy, and a clear error naming the fix without it.
const { afterEach, beforeAll } = await import("vitest").catch((error: unknown) => {
  throw isMissingPackage(error, "vitest")
    ? new Error(missingPeersMessage("image2-kit/testing", ["vitest"]))
    : error;
});

export interface FakeHandle {
  /** A fetch served by the fake; pass it to the client under test. */
  readonly fetch: FakeFetch;
  readonly fake: FakeController;
  /** Production's base URL: with the fake's fetch, requests to it never leave the process. */
  readonly baseUrl: string;
  /** Moves the fake's clock forward; a sleep for clients that accept one. */
  advance(ms: number): number;
  sleep(ms: number): Promise<void>;
}

/**
 * Registers a fake for the current test file.
 *
 * @example
 * const api = useFake({ profile: "fast" });
 * it("waits for the image", async () => { const client = makeClient(api.fetch); … api.advance(1000); });
 */
export function useFake(options: FakeOptionsInput = {}): FakeHandle {
  let current: FakeFetch | undefined;
  const live = () => {
    if (!current) throw new Error("useFake(): the fake starts in beforeAll; use it inside a test");
    return current;
  };
  beforeAll(() => {
    current = createFakeFetch({ clock: "manual", ...options });
  });
  afterEach(() => current?.fake.reset());
  return {
    get fetch() {
      return live();
    },
    get fake() {
      return live().fake;
    },
    baseUrl: PRODUCTION_BASE_URL,
    advance: (ms) => live().fake.advance(ms),
    sleep: async (ms) => {
      live().fake.advance(ms);
    },
  };
}

/**
 * Fails unless every key used the API as the provider asks, listing each problem of each key: polls
 * of a task at least `minIntervalMs` apart (default 2000) and none after completed or failed, no
 * create repeated within a second or resent after a 5xx, a dropped connection or a timeout, no task
 * given up while pending, `Retry-After` waited out, and the first poll one interval after the create.
 *
 * @example await client.generate("a cat"); api.advance(30_000); expectPolitePolling(api);
 */
export function expectPolitePolling(
  handle: Pick<FakeHandle, "fake">,
  options: GradeOptions = {},
): PollingGrade[] {
  const grades = handle.fake.polling(options);
  const problems = grades.flatMap((grade) =>
    grade.problems.map((problem) => `${grade.keyId}: ${problem}`),
  );
  if (problems.length > 0)
    throw new Error(`The client does not poll politely:\n- ${problems.join("\n- ")}`);
  return grades;
}
