/** `image2-kit/server`: the fake, in-process or on a port. */

export { type Clock, createManualClock, type ManualClock } from "./core/clock.js";
export type { FakeController } from "./core/fake-controller.js";
export type { FaultRuleInput } from "./core/faults.js";
export type { JournalEntry } from "./core/journal.js";
export { FakeOptionsError, type FakeOptionsInput } from "./core/options.js";
export { type GradeOptions, gradePolling, type PollingGrade } from "./core/polling-grader.js";
export type { PlanOverride } from "./core/task-planner.js";
export { createFakeFetch, type FakeFetch } from "./fake-fetch.js";
export { createFakeApp, type FakeApp } from "./http/app.js";
export { type RunningFake, type StartOptions, start } from "./start.js";
