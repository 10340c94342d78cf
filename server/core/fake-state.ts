import { randomUUID } from "node:crypto";
import { ImageCache } from "../images/image-cache.js";
import { type Clock, createManualClock, systemClock } from "./clock.js";
import { FaultSet } from "./faults.js";
import { Journal } from "./journal.js";
import type { FakeOptions } from "./options.js";
import { createRandom } from "./random.js";
import { RateLimiter } from "./rate-limit.js";
import { TaskBook } from "./task-book.js";
import { TaskPlanner } from "./task-planner.js";

const IMAGE_CACHE_BYTES = 64 * 1024 * 1024;

/** Everything one fake instance holds; the API and the control routes share it. */
export interface FakeState {
  readonly options: FakeOptions;
  readonly clock: Clock;
  readonly tasks: TaskBook;
  readonly planner: TaskPlanner;
  readonly journal: Journal;
  readonly faults: FaultSet;
  readonly limiter: RateLimiter | undefined;
  readonly images: ImageCache;
  /** The seed that seals task ids and draws outcomes and pictures; random when none was given. */
  readonly seed: string;
  /**
   * Forgets the recent tasks listed, plans, faults, the journal and rate-limit windows; the clock
   * keeps its time, and every task id still answers as before.
   */
  reset(): void;
}

export function createFakeState(options: FakeOptions): FakeState {
  const clock =
    options.clock === "manual"
      ? createManualClock()
      : options.clock === "system"
        ? systemClock
        : options.clock;
  const seed = options.seed ?? randomUUID();
  const state: FakeState = {
    options,
    clock,
    seed,
    tasks: new TaskBook(seed, options.maxTasks),
    // One stream per concern, so injecting a fault does not change the outcomes that follow.
    planner: new TaskPlanner(options, createRandom(`${seed}:outcomes`)),
    journal: new Journal(options.journalSize),
    faults: new FaultSet(createRandom(`${seed}:faults`)),
    limiter: options.rateLimit && new RateLimiter(options.rateLimit, clock),
    images: new ImageCache(IMAGE_CACHE_BYTES),
    reset() {
      state.tasks.clearRecent();
      state.planner.reset();
      state.journal.clear();
      state.faults.clear();
      state.limiter?.reset();
      state.images.clear();
    },
  };
  return state;
}
