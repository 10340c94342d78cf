/**
 * What a route of a table gives its handler and expects back, derived from its definition: the
 * API's table (contract/routes.ts) and the control API's (control-table.ts) alike.
 */
import type { z } from "zod";
import type { PathParam } from "../../contract/routes.js";

/** The parsed body of a route that takes one. */
export type BodyOf<R> = R extends { body: { schema: infer S extends z.ZodType } }
  ? z.output<S>
  : undefined;

/** The parsed path parameters, by name. */
export type ParamsOf<R> = R extends { params: infer P extends Record<string, PathParam> }
  ? { [K in keyof P]: z.output<P[K]["schema"]> }
  : Record<string, never>;

/** The parsed query of a route that takes one. */
export type QueryOf<R> = R extends { query: infer Q extends z.ZodType } ? z.output<Q> : undefined;

/** What a handler answers: its success schema's input, or a Response of its own type. */
export type AnswerOf<R> = R extends { success: { schema: infer S extends z.ZodType } }
  ? z.input<S>
  : Response;

/**
 * A table's path as Hono routes it: `{id}` becomes `:id`.
 *
 * @example honoPath("/v1/result/{id}") // "/v1/result/:id"
 */
export const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");
