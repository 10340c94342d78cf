/**
 * The one error of the control API: its answers are plain `{ error, issues }` bodies, since the
 * control API is the fake's own and never part of the provider's.
 */
import type { Issue } from "./errors.js";

export type ControlStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415;

export class ControlError extends Error {
  override name = "ControlError";

  constructor(
    readonly status: ControlStatus,
    message: string,
    readonly issues: readonly Issue[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
