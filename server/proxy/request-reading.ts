/**
 * What the proxy reads from a client's request: which route it is for, whose key it carries, and,
 * for a create, its body judged against the documented rules (contract/create-request-rules.ts,
 * as the contract suite's request cases are). The rules the client broke come out of here.
 */
import {
  type CreateRequestJudgement,
  judgeCreateRequest,
  WHOLE_BODY,
} from "../../contract/create-request-rules.js";
import type { RuleBreak } from "../../contract/documented-rules.js";
import { routeNameOf } from "../core/faults.js";
import { bodyHashOf, keyIdOf } from "../core/journal.js";
import type { Exchange } from "./exchange.js";
import { bearerKeyOf } from "./seen-keys.js";

export type ApiRoute = "createImageTask" | "getTaskResult";

/** A create's body as read: judged, not JSON, or too large to read. */
export type CreateBody =
  | { readonly kind: "judged"; readonly body: unknown; readonly judged: CreateRequestJudgement }
  | { readonly kind: "not json"; readonly problem: string }
  | { readonly kind: "unread"; readonly bytes: number };

export interface RequestReading {
  /** The API route the request is for; undefined for anything else (an image, another path). */
  readonly route: ApiRoute | undefined;
  /** An API path asked with a method the route does not take. */
  readonly wrongMethod: boolean;
  readonly pathname: string;
  /** The key's fingerprint (journal.ts keyIdOf), never the key. */
  readonly keyId: string | undefined;
  /** For a poll: the task id in its path. */
  readonly taskId: string | undefined;
  readonly create: CreateBody | undefined;
  readonly bodyHash: string | undefined;
  /** The documented rules the request broke. */
  readonly breaks: readonly RuleBreak[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

const pathnameOf = (path: string) => path.split("?")[0] ?? path;

function createBodyOf(exchange: Exchange): CreateBody {
  const tap = exchange.requestBody;
  if (tap.truncated) return { kind: "unread", bytes: tap.bytes };
  try {
    const text = utf8.decode(tap.kept());
    if (text.trim() === "") return { kind: "not json", problem: "the body is empty" };
    const body: unknown = JSON.parse(text);
    return { kind: "judged", body, judged: judgeCreateRequest(body) };
  } catch (error) {
    return { kind: "not json", problem: (error as Error).message };
  }
}

function lastSegment(pathname: string): string {
  const segment = pathname.slice(pathname.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Reads a whole request (its body has arrived).
 *
 * @example const reading = readRequest(exchange); for (const found of reading.breaks) …
 */
export function readRequest(exchange: Exchange): RequestReading {
  const pathname = pathnameOf(exchange.path);
  const route = routeNameOf(exchange.method, pathname);
  const api = route === "createImageTask" || route === "getTaskResult" ? route : undefined;
  const anyMethod = routeNameOf("POST", pathname) ?? routeNameOf("GET", pathname);
  const key = bearerKeyOf(exchange.requestHeaders);
  const breaks: RuleBreak[] = [];
  if (api && key === undefined) {
    const sent = exchange.requestHeaders.authorization;
    breaks.push({
      rule: "bearerKey",
      field: "Authorization",
      detail:
        sent === undefined
          ? "the request has no Authorization header; send 'Authorization: Bearer <key>'"
          : "the Authorization header is not 'Bearer <key>'",
    });
  }
  const create = api === "createImageTask" ? createBodyOf(exchange) : undefined;
  if (create?.kind === "not json") {
    breaks.push({
      rule: "jsonBody",
      field: WHOLE_BODY,
      detail: `the create's body is not JSON: ${create.problem}`,
    });
  }
  if (create?.kind === "judged" && !create.judged.ok) breaks.push(...create.judged.breaks);
  return {
    route: api,
    wrongMethod:
      api === undefined && (anyMethod === "createImageTask" || anyMethod === "getTaskResult"),
    pathname,
    keyId: key === undefined ? undefined : keyIdOf(key),
    taskId: api === "getTaskResult" ? lastSegment(pathname) : undefined,
    create,
    bodyHash:
      api === "createImageTask" && !exchange.requestBody.truncated
        ? bodyHashOf(exchange.requestBody.kept())
        : undefined,
    breaks,
  };
}
