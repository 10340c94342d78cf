import type { AssumedErrorBody, AssumedErrorsFixture, ErrorKind } from "./assumed-schemas.js";
import { assumedErrorsFixture } from "./fixtures.js";

/** What fills the `{message}`, `{method}` and `{path}` placeholders of an assumed error body. */
export interface ErrorContext {
  readonly message: string;
  readonly method?: string;
  readonly path?: string;
}

function fill(template: unknown, context: ErrorContext): unknown {
  if (typeof template === "string") {
    return template.replace(/\{(message|method|path)\}/g, (_, name: keyof ErrorContext) => {
      return context[name] ?? "";
    });
  }
  if (Array.isArray(template)) return template.map((item) => fill(item, context));
  if (typeof template === "object" && template !== null) {
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [key, fill(value, context)]),
    );
  }
  return template;
}

/**
 * ASSUMED: the status and body of a request-level error, from `fixtures/assumed/errors.json`.
 *
 * @example assumedError("task_not_found", { message: "no task image_…" }) // { status: 404, body: {…} }
 */
export function assumedError(
  kind: ErrorKind,
  context: ErrorContext,
  fixture: AssumedErrorsFixture = assumedErrorsFixture,
): { status: number; body: AssumedErrorBody } {
  const { status, body } = fixture.errors[kind];
  // Filling strings into a body that parsed keeps it an AssumedErrorBody.
  return { status, body: fill(body, context) as AssumedErrorBody };
}
