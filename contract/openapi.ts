/**
 * Builds the OpenAPI 3.1 document from the route table; JSON Schema comes from the zod schemas.
 */
import type {
  HeadersObject,
  OpenAPIObject,
  OperationObject,
  ResponsesObject,
} from "openapi3-ts/oas31";
import { ASSUMED_ERROR_HEADERS, assumedError } from "./assumed-errors.js";
import { AssumedErrorBody, type ErrorKind } from "./assumed-schemas.js";
import {
  assumedErrorsFixture,
  assumedPixelSizesFixture,
  assumedTimingsFixture,
} from "./fixtures.js";
import {
  assembleDocument,
  jsonContent,
  jsonSchemaOf,
  pathParameters,
  renderOpenApiJson,
  schemaRefs,
  tableParts,
} from "./openapi-parts.js";
import { toPortableYaml } from "./portable-yaml.js";
import { BASE_PATH, PRODUCTION_BASE_URL, type RouteDefinition, routes } from "./routes.js";
import { components } from "./schemas.js";

/** The fake's base URL on its default port: the committed document's first server. */
export const LOCAL_FAKE_BASE_URL = `http://127.0.0.1:4010${BASE_PATH}`;

/** What varies between the committed document and the one a running fake serves. */
export interface OpenApiOptions {
  /** The fake's own base URL, listed first so tools default to it and never to production. */
  readonly fakeBaseUrl?: string;
}

const SECURITY_SCHEME = "bearerAuth";
const { ref } = schemaRefs(components);
const routeList = Object.values(routes) as readonly RouteDefinition[];

// A header is required at a status only when every error kind answered with that status sends it.
function headersOf(kinds: readonly ErrorKind[]): HeadersObject | undefined {
  const names = new Set(kinds.flatMap((kind) => Object.keys(ASSUMED_ERROR_HEADERS[kind] ?? {})));
  if (names.size === 0) return undefined;
  return Object.fromEntries(
    [...names].map((name) => {
      const declared = kinds.map((kind) => ASSUMED_ERROR_HEADERS[kind]?.[name]);
      const [header] = declared.filter((candidate) => candidate !== undefined);
      return [
        name,
        {
          description: header?.description ?? "",
          required: declared.every((candidate) => candidate !== undefined),
          schema: header ? jsonSchemaOf(header.schema) : {},
          ...(header?.value !== undefined && { example: header.value }),
        },
      ];
    }),
  );
}

function assumedResponses(kinds: readonly ErrorKind[]): ResponsesObject {
  const byStatus = new Map<number, ErrorKind[]>();
  for (const kind of kinds) {
    const { status } = assumedErrorsFixture.errors[kind];
    byStatus.set(status, [...(byStatus.get(status) ?? []), kind]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, statusKinds]) => {
      const headers = headersOf(statusKinds);
      return [
        String(status),
        {
          description: `ASSUMED (undocumented): ${statusKinds.join(", ")}.`,
          "x-assumed": true,
          "x-assumed-source": assumedErrorsFixture.source,
          ...(headers && { headers }),
          content: jsonContent(
            ref(AssumedErrorBody),
            Object.fromEntries(
              statusKinds.map((kind) => [
                kind,
                {
                  summary: kind,
                  value: assumedError(kind, { message: kind.replaceAll("_", " ") }).body,
                },
              ]),
            ),
          ),
        },
      ];
    }),
  );
}

/** The undocumented facts of the tasks a route makes, as `x-assumed-*` extensions. */
const TASK_FACTS = {
  pixelSizes: () => {
    const { source, default_resolution, sizes, measured } = assumedPixelSizesFixture;
    return {
      "x-assumed-pixel-sizes": {
        description:
          "ASSUMED (undocumented): the pixel size of the image for each ratio at each resolution (WIDTHxHEIGHT; null: no size, the task fails), and the resolution of a request that names neither size nor resolution. `measured` lists the cells learned from recordings of production, with how many images showed each.",
        source,
        default_resolution,
        sizes,
        ...(measured && { measured }),
      },
    };
  },
  timings: () => {
    const { source, timings } = assumedTimingsFixture;
    return {
      "x-assumed-timings": {
        description:
          "ASSUMED (undocumented): how long a task stays queued and then processing, in ms, for each quality at each resolution (gpt-image-2-r, which ignores quality, as low); the fake's realistic profile. `median_of_tasks` marks a figure learned from recordings of production: the median of that many tasks.",
        source,
        timings,
      },
    };
  },
} as const;

function operationOf(route: RouteDefinition): OperationObject {
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    "x-sources": [...route.sources],
    ...Object.assign({}, ...(route.assumedTaskFacts ?? []).map((fact) => TASK_FACTS[fact]())),
    security: [{ [SECURITY_SCHEME]: [] }],
    ...(route.params && { parameters: pathParameters(route.params, ref) }),
    ...(route.body && {
      requestBody: {
        required: true,
        content: jsonContent(ref(route.body.schema), route.body.examples),
      },
    }),
    responses: {
      [String(route.success.status)]: {
        description: route.success.description,
        content: jsonContent(ref(route.success.schema), route.success.examples),
      },
      ...assumedResponses(route.assumedErrors),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the API, derived from the route table.
 *
 * @example buildOpenApiDocument().paths["/v1/image2/images"]?.post?.operationId // "createImageTask"
 */
export function buildOpenApiDocument(options: OpenApiOptions = {}): OpenAPIObject {
  return assembleDocument({
    info: {
      title: "GPT Image 2 task API",
      version: "1.0.0",
      license: { name: "MIT", identifier: "MIT" },
      description:
        "An asynchronous image-generation API: create a task, then poll it until it is completed or failed. " +
        "Generated by image2-kit from its zod schemas. Responses marked `x-assumed` are not documented by the provider. " +
        "The first server is the image2-kit fake; production, the second, bills every task created there.",
    },
    servers: [
      {
        url: options.fakeBaseUrl ?? LOCAL_FAKE_BASE_URL,
        description: "image2-kit fake: free, takes any bearer key unless started with --api-key",
      },
      {
        url: PRODUCTION_BASE_URL,
        description: "Production, billed: every task created here costs money and needs a real key",
      },
    ],
    securitySchemes: { [SECURITY_SCHEME]: { type: "http", scheme: "bearer" } },
    security: [{ [SECURITY_SCHEME]: [] }],
    ...tableParts(components, routeList, operationOf),
  });
}

/**
 * The document as YAML that YAML 1.1 and 1.2 parsers read alike (`openapi.yaml`).
 *
 * @example renderOpenApiYaml(buildOpenApiDocument()).includes('- "16:9"') // true
 */
export function renderOpenApiYaml(document: OpenAPIObject): string {
  return toPortableYaml(document);
}

export { renderOpenApiJson };
