/**
 * Reading what a request brings: its bearer key, its JSON body within the size limit, and the
 * `x-fake-*` plan headers. Each failure is an ApiError that says what was wrong and how to fix it.
 */
import { hash } from "node:crypto";
import type { Context } from "hono";
import type { z } from "zod";
import { routeNameOf } from "../core/faults.js";
import { keyIdOf } from "../core/journal.js";
import { PLAN_HEADERS, PlanOverride } from "../core/task-planner.js";
import { ApiError, describeIssues, issuesOf } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";

/** The largest request body the fake reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The caller's bearer key and its fingerprint, after checking the key against the accepted ones. */
export function authenticate(
  c: Context<FakeEnv>,
  acceptedKeys: readonly string[],
): { key: string; keyId: string } {
  const header = c.req.header("authorization");
  if (header === undefined) {
    throw new ApiError(
      "unauthorized",
      "Missing Authorization header: send 'Authorization: Bearer <key>'",
    );
  }
  const key = /^Bearer +(\S+)\s*$/i.exec(header)?.[1];
  if (key === undefined) {
    throw new ApiError(
      "unauthorized",
      "The Authorization header must be 'Bearer <key>' with a non-empty key",
    );
  }
  if (acceptedKeys.length > 0 && !acceptedKeys.includes(key)) {
    throw new ApiError(
      "unauthorized",
      "This API key is not accepted (the fake was started with --api-key)",
    );
  }
  const keyId = keyIdOf(key);
  c.set("keyId", keyId);
  return { key, keyId };
}

async function readLimited(c: Context<FakeEnv>): Promise<Uint8Array> {
  const tooLarge = () =>
    new ApiError("payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)`);
  const length = c.req.header("content-length");
  if (length !== undefined) {
    if (Number(length) > MAX_BODY_BYTES) throw tooLarge();
    // Node's parser holds a body to its declared length, and this read skips the web stream.
    return new Uint8Array(await c.req.raw.arrayBuffer());
  }
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.byteLength;
    if (total > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A fingerprint of a request body that spots a repeated create without keeping its prompt. */
const bodyHashOf = (bytes: Uint8Array) => hash("sha256", bytes).slice(0, 16);

/**
 * Notes, for the journal, whose request a fault rule answers in the route's place, as the route
 * would have: its name, the key's fingerprint (an accepted key only), a poll's task id and a
 * create's body hash. Never throws: what cannot be read stays unset.
 *
 * @example if (rule.action.type !== "latency") await identifyRequest(c, state.options.apiKeys);
 */
export async function identifyRequest(
  c: Context<FakeEnv>,
  acceptedKeys: readonly string[],
): Promise<void> {
  const route = routeNameOf(c.req.method, c.req.path);
  if (route !== "createImageTask" && route !== "getTaskResult") return;
  c.set("route", route);
  try {
    authenticate(c, acceptedKeys);
  } catch {
    return;
  }
  if (route === "getTaskResult") {
    const segment = c.req.path.slice(c.req.path.lastIndexOf("/") + 1);
    try {
      c.set("taskId", decodeURIComponent(segment));
    } catch {
      c.set("taskId", segment);
    }
    return;
  }
  const bytes = await readLimited(c).catch(() => undefined);
  if (bytes) c.set("bodyHash", bodyHashOf(bytes));
}

/** The JSON body, parsed with the route's schema: every problem listed at once. */
export async function readJsonBody<S extends z.ZodType>(
  c: Context<FakeEnv>,
  schema: S,
): Promise<z.output<S>> {
  const contentType = c.req.header("content-type");
  if (!contentType || !/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new ApiError(
      "unsupported_media_type",
      `Content-Type must be application/json, not ${contentType ? `'${contentType}'` : "missing"}`,
    );
  }
  const bytes = await readLimited(c);
  c.set("bodyHash", bodyHashOf(bytes));
  let json: unknown;
  try {
    const text = utf8.decode(bytes);
    if (text.trim() === "") throw new SyntaxError("the body is empty; send a JSON object");
    json = JSON.parse(text);
  } catch (error) {
    throw new ApiError("malformed_json", `The body is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    throw new ApiError("invalid_request", describeIssues("Invalid request body", issues), issues);
  }
  return parsed.data;
}

/** The plan overrides a create request carries in its `x-fake-*` headers. */
export function planHeaders(c: Context<FakeEnv>): PlanOverride {
  const present = Object.fromEntries(
    Object.entries(PLAN_HEADERS).flatMap(([field, header]) => {
      const value = c.req.header(header);
      return value === undefined ? [] : [[field, value]];
    }),
  );
  const parsed = PlanOverride.safeParse(present);
  if (parsed.success) return parsed.data;
  const issues = issuesOf(parsed.error).map((issue) => ({
    ...issue,
    path: `header ${PLAN_HEADERS[issue.path as keyof typeof PLAN_HEADERS] ?? issue.path}`,
  }));
  throw new ApiError("invalid_request", describeIssues("Invalid x-fake header", issues), issues);
}
