/**
 * What the suite runs against: a base URL, and how to wait on it. The in-process fake is handed in
 * from outside (a vitest global setup that lives with the fake provides it as `contractTarget`);
 * any other target comes from CONTRACT_BASE_URL. Either way the suite reaches it over HTTP only.
 */
import type { SuiteConfig } from "./config.js";
import type { FakeControl } from "./fake-control.js";

/** The target a global setup hands to the suite (vitest `provide`/`inject`). */
export interface InjectedTarget {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** For messages and the report, e.g. "in-process fake". */
  readonly description: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    contractTarget: InjectedTarget;
  }
}

/**
 * Where the run goes: CONTRACT_BASE_URL when set, else the injected in-process fake.
 *
 * @example resolveTarget(readSuiteConfig(), inject("contractTarget")).baseUrl
 */
export function resolveTarget(
  config: SuiteConfig,
  injected: InjectedTarget | undefined,
): InjectedTarget {
  if (config.baseUrl) {
    return { baseUrl: config.baseUrl, apiKey: config.apiKey, description: config.baseUrl };
  }
  if (injected) return injected;
  throw new Error(
    "no target: set CONTRACT_BASE_URL (and CONTRACT_API_KEY), or run the suite with `npm run contract` " +
      "or `image2-kit contract`, which start the in-process fake for it",
  );
}

export interface Target extends InjectedTarget {
  /** The target's time in Unix ms: counted from a manual clock's start, the wall clock otherwise. */
  now(): number;
  /** Waits: advances a manual clock through the control API, really waits otherwise. */
  sleep(ms: number): Promise<void>;
  /** Whether waiting moves a manual clock instead of real time. */
  readonly manualClock: boolean;
  /** Set when the target is the fake and lets the suite steer it. */
  readonly control: FakeControl | undefined;
  /** Why there is no control, for the tests that skip without it. */
  readonly noControlReason: string;
}

/**
 * A target from where it is and what its control API (if any) says about its clock. On a manual
 * clock the suite counts the time it advanced itself, so a target cannot stretch a run by what it
 * claims its time is.
 *
 * @example const target = makeTarget(where, await findFakeControl(client, config.control));
 */
export function makeTarget(
  where: InjectedTarget,
  found: { ok: true; control: FakeControl } | { ok: false; reason: string },
): Target {
  const control = found.ok ? found.control : undefined;
  if (control?.clock.kind === "manual") {
    let now = control.clock.now;
    return {
      ...where,
      manualClock: true,
      control,
      noControlReason: "",
      now: () => now,
      async sleep(ms) {
        const answered = await control.advance(ms);
        now = Math.max(now + ms, answered);
      },
    };
  }
  return {
    ...where,
    manualClock: false,
    control,
    noControlReason: found.ok ? "" : found.reason,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
