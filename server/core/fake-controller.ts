/** Steering a fake from the code that embeds it: the same powers as the control API. */
import { type Clock, isManualClock } from "./clock.js";
import type { FakeState } from "./fake-state.js";
import type { FaultRule, FaultRuleInput } from "./faults.js";
import type { JournalEntry } from "./journal.js";
import { type GradeOptions, gradePolling, type PollingGrade } from "./polling-grader.js";
import type { PlanOverride } from "./task-planner.js";

export interface FakeController {
  readonly clock: Clock;
  readonly seed: string;
  /** Moves a manual clock forward; throws on the system clock. */
  advance(ms: number): number;
  /** Sets the outcome, error text or timings of the next `count` tasks created. */
  planNext(count: number, override: PlanOverride): void;
  addFault(rule: FaultRuleInput): FaultRule;
  requests(): JournalEntry[];
  /** How each key polls, graded against the provider's rules. */
  polling(options?: GradeOptions): PollingGrade[];
  reset(): void;
}

export function createFakeController(state: FakeState): FakeController {
  return {
    clock: state.clock,
    seed: state.seed,
    advance(ms) {
      if (!isManualClock(state.clock))
        throw new Error(
          "only a manual clock can be advanced; create the fake with clock: 'manual'",
        );
      return state.clock.advance(ms);
    },
    planNext: (count, override) => state.planner.planNext(count, override),
    addFault: (rule) => state.faults.add(rule),
    requests: () => state.journal.list(),
    polling: (options) =>
      gradePolling(state.journal.list(), { now: state.clock.now(), ...options }),
    reset: () => state.reset(),
  };
}
