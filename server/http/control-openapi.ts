/**
 * The control API's own OpenAPI document, built from its route table (control-table.ts) with the
 * same pieces as the API's (contract/openapi-parts.ts), and served at /__fake/openapi.json with
 * this fake's own origin as its server. It describes this fake as it runs: the token scheme is
 * required only when the fake was started with one.
 */
import type { Context } from "hono";
import type { OpenAPIObject, OperationObject, ResponsesObject } from "openapi3-ts/oas31";
import {
  assembleDocument,
  jsonContent,
  pathParameters,
  queryParameters,
  renderOpenApiJson,
  schemaRefs,
  tableParts,
} from "../../contract/openapi-parts.js";
import type { FakeOptions } from "../core/options.js";
import { packageVersion } from "../version.js";
import type { ControlStatus } from "./control-error.js";
import { CONTROL_PREFIX } from "./control-paths.js";
import { ControlErrorBody, controlComponents } from "./control-schemas.js";
import { type ControlRoute, controlTable } from "./control-table.js";
import type { FakeEnv } from "./fake-env.js";
import { INSPECTOR_PATH } from "./inspector-page.js";
import { publicOrigin } from "./public-origin.js";

const TOKEN_SCHEME = "controlToken";
const { ref } = schemaRefs(controlComponents);
const routeList = Object.values(controlTable) as readonly ControlRoute[];
const changesState = (route: ControlRoute) => route.method === "post" || route.method === "patch";

/** What every route may answer besides its own errors: the owner-only rules of control-guard.ts. */
function guardErrors(route: ControlRoute, tokenRequired: boolean) {
  return {
    ...(tokenRequired && {
      401: "No Authorization: Bearer <token>, or not this fake's --control-token",
    }),
    403: "A Host other than loopback, the listening address or --public-url's host; or an Origin other than the fake's own",
    ...(changesState(route) && {
      413: "The body is over 1 MiB (the connection closes)",
      415: "The request is not Content-Type: application/json",
    }),
  } satisfies Partial<Record<ControlStatus, string>>;
}

function responsesOf(route: ControlRoute, tokenRequired: boolean): ResponsesObject {
  const { success } = route;
  const errors = { ...guardErrors(route, tokenRequired), ...route.errors };
  return {
    [String(success.status)]: {
      description: success.description,
      content:
        "schema" in success
          ? jsonContent(ref(success.schema))
          : { [success.contentType]: { schema: { type: "string", format: "binary" } } },
    },
    ...Object.fromEntries(
      Object.entries(errors)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([status, description]) => [
          status,
          { description, content: jsonContent(ref(ControlErrorBody)) },
        ]),
    ),
  };
}

function operationOf(route: ControlRoute, tokenRequired: boolean): OperationObject {
  const parameters = [
    ...(route.params ? pathParameters(route.params, ref) : []),
    ...(route.query ? queryParameters(route.query) : []),
  ];
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description !== undefined && { description: route.description }),
    ...(parameters.length > 0 && { parameters }),
    ...(route.body && {
      requestBody: {
        required: route.body.required,
        content: jsonContent(ref(route.body.schema), route.body.examples),
      },
    }),
    responses: responsesOf(route, tokenRequired),
  };
}

/**
 * The control API's document for a fake reached at `origin`.
 *
 * @example buildControlOpenApiDocument("http://127.0.0.1:4010", false).servers?.[0]?.url // "http://127.0.0.1:4010/__fake"
 */
export function buildControlOpenApiDocument(origin: string, tokenRequired: boolean): OpenAPIObject {
  return assembleDocument({
    info: {
      title: "image2-kit fake: control API",
      version: packageVersion(),
      license: { name: "MIT", identifier: "MIT" },
      description:
        "Inspects and steers this image2-kit fake: its clock, its tasks and their plans, the journal of API requests, polling grades, and fault rules. " +
        "Never part of the provider's API. It answers only its owner: requests addressed to this machine, from no web page of another origin, " +
        "state changes only as application/json, and with the control token when the fake has one. Errors are `{ error, issues }`. " +
        `The inspector page is at ${INSPECTOR_PATH}.`,
    },
    servers: [{ url: origin + CONTROL_PREFIX, description: "This fake's control API" }],
    securitySchemes: {
      [TOKEN_SCHEME]: {
        type: "http",
        scheme: "bearer",
        description: "The fake's --control-token; only a fake started with one asks for it",
      },
    },
    ...(tokenRequired && { security: [{ [TOKEN_SCHEME]: [] }] }),
    ...tableParts(controlComponents, routeList, (route) => operationOf(route, tokenRequired)),
  });
}

// A fake is reached under a handful of origins; rendering each once keeps a request cheap.
const MAX_CACHED = 100;
const rendered = new Map<string, string>();

/** The document as JSON for the origin this request reached the fake at. */
export function controlDocumentJson(c: Context<FakeEnv>, options: FakeOptions): string {
  const origin = publicOrigin(c, options.publicUrl);
  // The control guard has accepted the Host already; an in-process request has its URL's origin.
  const base = origin.ok ? origin.origin : new URL(c.req.url).origin;
  const tokenRequired = options.controlToken !== undefined;
  const key = `${tokenRequired} ${base}`;
  const hit = rendered.get(key);
  if (hit !== undefined) return hit;
  const text = renderOpenApiJson(buildControlOpenApiDocument(base, tokenRequired));
  if (rendered.size < MAX_CACHED) rendered.set(key, text);
  return text;
}
