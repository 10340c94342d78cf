import { ImageCache } from "../images/image-cache.js";
import { type Clock, createManualClock, systemClock } from "./clock.js";
import { FaultSet } from "./faults.js";
import { Journal } from "./journal.js";
import type { FakeOptions } from "./options.js";
import { createRandom } from "./random.js";
import { RateLimiter } from "./rate-limit.js";
import { TaskPlanner } from "./task-planner.js";
import { TaskStore } from "./tasks.js";

const IMAGE_CACHE_BYTES = 64 * 1024 * 1024;

/** Everything one fake instance holds; the API and the control routes share it. */
export interface FakeState {
  readonly options: FakeOptions;
  readonly clock: Clock;
  readonly tasks: TaskStore;
  readonly planner: TaskPlanner;
  readonly journal: Journal;
  readonly faults: FaultSet;
  readonly limiter: RateLimiter | undefined;
  readonly images: ImageCache;
  /** The seed behind ids and pictures; random when none was given. */
  readonly seed: string;
  nextTaskId(): string;
  /** Forgets tasks, plans, faults, the journal and rate-limit windows; the clock keeps its time. */
  reset(): void;
}

export function createFakeState(options: FakeOptions): FakeState {
  const clock =
    options.clock === "manual"
      ? createManualClock()
      : options.clock === "system"
        ? systemClock
        : options.clock;
  const seed = options.seed ?? createRandom().uuid();
  // One stream per concern, so injecting a fault does not change the ids or outcomes that follow.
  const ids = createRandom(`${seed}:ids`);
  const state: FakeState = {
    options,
    clock,
    seed,
    tasks: new TaskStore(options.maxTasks),
    planner: new TaskPlanner(options, createRandom(`${seed}:outcomes`)),
    journal: new Journal(options.journalSize),
    faults: new FaultSet(createRandom(`${seed}:faults`)),
    limiter: options.rateLimit && new RateLimiter(options.rateLimit, clock),
    images: new ImageCache(IMAGE_CACHE_BYTES),
    nextTaskId: () => `image_${ids.uuid()}`,
    reset() {
      state.tasks.clear();
      state.planner.reset();
      state.journal.clear();
      state.faults.clear();
      state.limiter?.reset();
      state.images.clear();
    },
  };
  return state;
}
