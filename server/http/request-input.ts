/**
 * Reading what a request brings: its bearer key, its JSON body within the size limit, and the
 * `x-fake-*` plan headers. Each failure is an ApiError that says what was wrong and how to fix it.
 */
import { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { z } from "zod";
import { routeNameOf } from "../core/faults.js";
import { bodyHashOf, keyIdOf } from "../core/journal.js";
import { PLAN_HEADERS, type PlanOverride, PlanOverrideHeaders } from "../core/task-planner.js";
import { ApiError, describeIssues, issuesOf, RequestAborted } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { requestHeader } from "./request-header.js";
import type { RequestNote } from "./request-note.js";

/** The largest request body the fake reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The caller's bearer key and its fingerprint, after checking the key against the accepted ones. */
export function authenticate(c: Context<FakeEnv>, acceptedKeys: readonly string[]): Owner {
  const header = requestHeader(c, "authorization");
  if (header === undefined) {
    throw new ApiError(
      "unauthorized",
      "Missing Authorization header: send 'Authorization: Bearer <key>'",
    );
  }
  const owner = ownerOf(header);
  if (owner === undefined) {
    throw new ApiError(
      "unauthorized",
      "The Authorization header must be 'Bearer <key>' with a non-empty key",
    );
  }
  if (acceptedKeys.length > 0 && !acceptedKeys.includes(owner.key)) {
    throw new ApiError(
      "unauthorized",
      "This API key is not accepted (the fake was started with --api-key)",
    );
  }
  return owner;
}

/** The bearer key a request sends, and its fingerprint. */
export interface Owner {
  readonly key: string;
  readonly keyId: string;
}

let lastBearer: { readonly header: string; readonly owner: Owner | undefined } | undefined;

/**
 * The key an Authorization header carries, or undefined. A client sends the same header request
 * after request, so the last one read is kept: the key depends on the header's value alone.
 */
function ownerOf(header: string): Owner | undefined {
  if (lastBearer?.header === header) return lastBearer.owner;
  const key = /^Bearer +(\S+)\s*$/i.exec(header)?.[1];
  const owner = key === undefined ? undefined : { key, keyId: keyIdOf(key) };
  lastBearer = { header, owner };
  return owner;
}

/** A request body read within MAX_BODY_BYTES, or why it could not be. */
export type BodyRead =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly problem: "too_large" };

/** Whether the declared Content-Length is over MAX_BODY_BYTES: refused before a byte is read. */
export const declaresTooLarge = (c: Context<FakeEnv>) =>
  Number(requestHeader(c, "content-length") ?? 0) > MAX_BODY_BYTES;

/**
 * The body, read no further than MAX_BODY_BYTES whether declared or streamed; throws
 * RequestAborted when the client goes away mid-body.
 */
export async function readBody(c: Context<FakeEnv>): Promise<BodyRead> {
  if (declaresTooLarge(c)) return { ok: false, problem: "too_large" };
  try {
    if (requestHeader(c, "content-length") !== undefined) {
      // Node's parser holds a body to its declared length, and these reads skip the web stream.
      const incoming = c.env?.incoming;
      const bytes =
        incoming instanceof IncomingMessage && isUnread(incoming)
          ? await readNodeBody(incoming)
          : new Uint8Array(await c.req.raw.arrayBuffer());
      return { ok: true, bytes };
    }
    const stream = c.req.raw.body;
    if (!stream) return { ok: true, bytes: new Uint8Array() };
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of stream) {
      total += chunk.byteLength;
      if (total > MAX_BODY_BYTES) return { ok: false, problem: "too_large" };
      chunks.push(chunk);
    }
    return { ok: true, bytes: Buffer.concat(chunks) };
  } catch {
    throw new RequestAborted("The client closed the connection before sending its whole body");
  }
}

const isUnread = (incoming: IncomingMessage) => !incoming.readableDidRead && !incoming.destroyed;

/**
 * The body as Node's parser hands it over, in the Buffer it arrived in. The adapter's
 * `arrayBuffer()` copies it into a new ArrayBuffer, 1.4 µs a create, so an untouched stream is read
 * here; once its client has gone (a request held by a latency fault), the adapter recovers what it
 * sent. Rejects when the stream closes before its end: the client went away mid-body.
 */
function readNodeBody(incoming: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const keep = (chunk: Buffer) => chunks.push(chunk);
    const end = () => {
      stop();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    };
    const cut = () => {
      stop();
      reject(incoming.errored);
    };
    const stop = () => {
      incoming.off("data", keep).off("end", end).off("error", cut).off("close", cut);
    };
    incoming.on("data", keep).on("end", end).on("error", cut).on("close", cut);
  });
}

/**
 * Headers of a 413: the unread rest of the body would be taken for the next request, so the
 * connection closes after the answer.
 */
export const TOO_LARGE_HEADERS = { Connection: "close" } as const;

export const TOO_LARGE_MESSAGE = `The body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)`;

/** Whether a Content-Type names JSON: `application/json`, with or without parameters. */
export const isJsonContentType = (value: string | undefined): boolean =>
  value !== undefined && /^application\/json\s*(;|$)/i.test(value);

/**
 * Body bytes as JSON: valid UTF-8, not blank, and JSON; or what is wrong with them.
 *
 * @example parseJsonBytes(new TextEncoder().encode('{"a":1}')) // { ok: true, value: { a: 1 } }
 */
export function parseJsonBytes(
  bytes: Uint8Array,
): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    const text = utf8.decode(bytes);
    if (text.trim() === "") return { ok: false, message: "the body is empty; send a JSON object" };
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/**
 * Notes, for the journal, whose request a fault rule answers in the route's place, as the route
 * would have: its name, the key's fingerprint (an accepted key only), a poll's task id and a
 * create's body hash. Never throws: what cannot be read stays unset.
 *
 * @example if (rule.action.type !== "latency") await identifyRequest(c, note, state.options.apiKeys);
 */
export async function identifyRequest(
  c: Context<FakeEnv>,
  note: RequestNote,
  acceptedKeys: readonly string[],
): Promise<void> {
  const route = routeNameOf(c.req.method, c.req.path);
  if (route !== "createImageTask" && route !== "getTaskResult") return;
  note.route = route;
  try {
    note.keyId = authenticate(c, acceptedKeys).keyId;
  } catch {
    return;
  }
  if (route === "getTaskResult") {
    const segment = c.req.path.slice(c.req.path.lastIndexOf("/") + 1);
    try {
      note.taskId = decodeURIComponent(segment);
    } catch {
      note.taskId = segment;
    }
    return;
  }
  const read = await readBody(c).catch(() => undefined);
  if (read?.ok) note.bodyHash = bodyHashOf(read.bytes);
}

/** The JSON body, parsed with the route's schema: every problem listed at once. */
export async function readJsonBody<S extends z.ZodType>(
  c: Context<FakeEnv>,
  note: RequestNote,
  schema: S,
): Promise<z.output<S>> {
  const contentType = requestHeader(c, "content-type");
  if (!isJsonContentType(contentType)) {
    throw new ApiError(
      "unsupported_media_type",
      `Content-Type must be application/json, not ${contentType ? `'${contentType}'` : "missing"}`,
    );
  }
  const read = await readBody(c);
  if (!read.ok) throw new ApiError("payload_too_large", TOO_LARGE_MESSAGE, [], TOO_LARGE_HEADERS);
  note.bodyHash = bodyHashOf(read.bytes);
  const json = parseJsonBytes(read.bytes);
  if (!json.ok) throw new ApiError("malformed_json", `The body is not valid JSON: ${json.message}`);
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    throw new ApiError("invalid_request", describeIssues("Invalid request body", issues), issues);
  }
  return parsed.data;
}

/**
 * A header's text as its client wrote it. A header is bytes: Node reads them as latin1, while curl
 * and fetch send UTF-8, so `x-fake-error: 内容违规` would otherwise become mojibake. Bytes that are
 * not UTF-8 stay as latin1 read them.
 */
function headerText(value: string): string {
  // Only bytes 0x80 to 0xFF can start a UTF-8 sequence; a char past 0xFF means no bytes to reread.
  if (!/[\x80-\xff]/.test(value) || /[\u0100-\uffff]/.test(value)) return value;
  try {
    return utf8.decode(Buffer.from(value, "latin1"));
  } catch {
    return value;
  }
}

const PLAN_HEADER_LIST = Object.entries(PLAN_HEADERS);

/** The plan overrides a create request carries in its `x-fake-*` headers. */
export function planHeaders(c: Context<FakeEnv>): PlanOverride {
  let present: Record<string, string> | undefined;
  for (const [field, header] of PLAN_HEADER_LIST) {
    const value = requestHeader(c, header);
    if (value === undefined) continue;
    present ??= {};
    present[field] = headerText(value);
  }
  // Most creates steer nothing: no schema to run.
  if (present === undefined) return {};
  const parsed = PlanOverrideHeaders.safeParse(present);
  if (parsed.success) return parsed.data;
  const issues = issuesOf(parsed.error).map((issue) => ({
    ...issue,
    path: `header ${PLAN_HEADERS[issue.path as keyof typeof PLAN_HEADERS] ?? issue.path}`,
  }));
  throw new ApiError("invalid_request", describeIssues("Invalid x-fake header", issues), issues);
}
