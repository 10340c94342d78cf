/** `image2-kit/server`: the fake, in-process or on a port. */
export {
  createFakeApp,
  type FakeApp,
  type FakeController,
  FakeOptionsError,
} from "./app.js";
export { type Clock, createManualClock, type ManualClock } from "./clock.js";
export { createFakeFetch, type FakeFetch } from "./fake-fetch.js";
export type { FaultRuleInput } from "./faults.js";
export type { JournalEntry } from "./journal.js";
export type { FakeOptionsInput } from "./options.js";
export { type GradeOptions, gradePolling, type PollingGrade } from "./polling-grader.js";
export { type RunningFake, type StartOptions, start } from "./start.js";
export type { PlanOverride } from "./task-planner.js";
