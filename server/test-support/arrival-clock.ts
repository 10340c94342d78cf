import type { Clock } from "../core/clock.js";

/**
 * A system clock that says when it is first read. The API's layer reads the clock first thing, so
 * `arrival` resolves once the fake has a request's headers and is working on it.
 */
export function arrivalClock(): { readonly clock: Clock; readonly arrival: Promise<void> } {
  let arrived = () => {};
  const arrival = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const clock: Clock = {
    kind: "system",
    now: () => {
      arrived();
      return Date.now();
    },
  };
  return { clock, arrival };
}
