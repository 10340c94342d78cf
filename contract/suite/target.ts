/** What the suite runs against: the in-process fake or a server at a URL. */

/** The part of the fake's controller the suite uses where it can steer the target. */
export interface TargetControl {
  planNext(
    count: number,
    override: {
      outcome?: "completed" | "failed";
      error?: string;
      queuedMs?: number;
      processingMs?: number;
    },
  ): void;
  addFault(rule: {
    match: { route: "createImageTask" | "getTaskResult" };
    action: { type: "status"; status: number };
    times: number;
  }): unknown;
}

export interface Target {
  /** For messages and the report: "in-process fake" or the URL. */
  readonly description: string;
  /** The API's base URL; route paths are appended to it. */
  readonly baseUrl: string;
  /** The target's time in Unix ms: the fake's clock in-process, the wall clock otherwise. */
  now(): number;
  /** Waits: advances the fake's clock in-process, really waits against a URL. */
  sleep(ms: number): Promise<void>;
  /** Only where the suite can steer the target; tests that need it skip elsewhere. */
  readonly control: TargetControl | undefined;
  close(): Promise<void>;
}

/** A server at a URL: real time, no control. */
export function urlTarget(baseUrl: string): Target {
  return {
    description: baseUrl,
    baseUrl,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    control: undefined,
    close: async () => undefined,
  };
}
