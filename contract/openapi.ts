/**
 * Builds the OpenAPI 3.1 document from the route table; JSON Schema comes from the zod schemas.
 */
import {
  type HeadersObject,
  type OpenAPIObject,
  OpenApiBuilder,
  type OperationObject,
  type ResponsesObject,
  type SchemaObject,
} from "openapi3-ts/oas31";
import { z } from "zod";
import { ASSUMED_ERROR_HEADERS, assumedError } from "./assumed-errors.js";
import { AssumedErrorBody, type ErrorKind } from "./assumed-schemas.js";
import {
  assumedErrorsFixture,
  assumedPixelSizesFixture,
  assumedTimingsFixture,
} from "./fixtures.js";
import { toPortableYaml } from "./portable-yaml.js";
import {
  BASE_PATH,
  type Example,
  PRODUCTION_BASE_URL,
  type RouteDefinition,
  routes,
} from "./routes.js";
import { components } from "./schemas.js";

/** The fake's base URL on its default port: the committed document's first server. */
export const LOCAL_FAKE_BASE_URL = `http://127.0.0.1:4010${BASE_PATH}`;

/** What varies between the committed document and the one a running fake serves. */
export interface OpenApiOptions {
  /** The fake's own base URL, listed first so tools default to it and never to production. */
  readonly fakeBaseUrl?: string;
}

const SECURITY_SCHEME = "bearerAuth";
const JSON_TYPE = "application/json";
const refTo = (id: string) => `#/components/schemas/${id}`;

function componentId(schema: z.ZodType): string {
  const id = components.get(schema)?.id;
  if (id === undefined) {
    throw new Error("a schema used by the route table is not registered in `components`");
  }
  return id;
}

const ref = (schema: z.ZodType) => ({ $ref: refTo(componentId(schema)) });

function componentSchemas(): Record<string, SchemaObject> {
  // A request is described as a client may send it (defaults optional), a response as it arrives.
  const requestIds = new Set(
    Object.values(routes).flatMap((route: RouteDefinition) =>
      route.body ? [componentId(route.body.schema)] : [],
    ),
  );
  const input = z.toJSONSchema(components, { io: "input", uri: refTo }).schemas;
  const output = z.toJSONSchema(components, { io: "output", uri: refTo }).schemas;
  return Object.fromEntries(
    Object.entries(output).map(([id, outputSchema]) => {
      const { $schema, $id, ...schema } = (requestIds.has(id) ? input[id] : outputSchema) ?? {};
      return [id, schema as SchemaObject];
    }),
  );
}

const examplesOf = (examples: Readonly<Record<string, Example>>) =>
  Object.fromEntries(
    Object.entries(examples).map(([name, { summary, value }]) => [name, { summary, value }]),
  );

const jsonSchemaOf = (schema: z.ZodType): SchemaObject => {
  const { $schema, ...rest } = z.toJSONSchema(schema);
  return rest as SchemaObject;
};

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
          content: {
            [JSON_TYPE]: {
              schema: ref(AssumedErrorBody),
              examples: Object.fromEntries(
                statusKinds.map((kind) => [
                  kind,
                  {
                    summary: kind,
                    value: assumedError(kind, { message: kind.replaceAll("_", " ") }).body,
                  },
                ]),
              ),
            },
          },
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
    ...(route.params && {
      parameters: Object.entries(route.params).map(([name, param]) => ({
        name,
        in: "path",
        required: true,
        description: param.description,
        schema: ref(param.schema),
        example: param.example,
      })),
    }),
    ...(route.body && {
      requestBody: {
        required: true,
        content: {
          [JSON_TYPE]: {
            schema: ref(route.body.schema),
            examples: examplesOf(route.body.examples),
          },
        },
      },
    }),
    responses: {
      [String(route.success.status)]: {
        description: route.success.description,
        content: {
          [JSON_TYPE]: {
            schema: ref(route.success.schema),
            examples: examplesOf(route.success.examples),
          },
        },
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
  const builder = OpenApiBuilder.create()
    .addOpenApiVersion("3.1.0")
    .addInfo({
      title: "GPT Image 2 task API",
      version: "1.0.0",
      license: { name: "MIT", identifier: "MIT" },
      description:
        "An asynchronous image-generation API: create a task, then poll it until it is completed or failed. " +
        "Generated by image2-kit from its zod schemas. Responses marked `x-assumed` are not documented by the provider. " +
        "The first server is the image2-kit fake; production, the second, bills every task created there.",
    })
    .addServer({
      url: options.fakeBaseUrl ?? LOCAL_FAKE_BASE_URL,
      description: "image2-kit fake: free, takes any bearer key unless started with --api-key",
    })
    .addServer({
      url: PRODUCTION_BASE_URL,
      description: "Production, billed: every task created here costs money and needs a real key",
    })
    .addSecurityScheme(SECURITY_SCHEME, { type: "http", scheme: "bearer" });
  for (const [id, schema] of Object.entries(componentSchemas())) builder.addSchema(id, schema);
  for (const route of Object.values(routes) as RouteDefinition[]) {
    builder.addPath(route.path, { [route.method]: operationOf(route) });
  }
  return { ...builder.getSpec(), security: [{ [SECURITY_SCHEME]: [] }] };
}

/**
 * The document as YAML that YAML 1.1 and 1.2 parsers read alike (`openapi.yaml`).
 *
 * @example renderOpenApiYaml(buildOpenApiDocument()).includes('- "16:9"') // true
 */
export function renderOpenApiYaml(document: OpenAPIObject): string {
  return toPortableYaml(document);
}

/**
 * The document as JSON (`openapi.json`).
 *
 * @example JSON.parse(renderOpenApiJson(buildOpenApiDocument())).openapi // "3.1.0"
 */
export function renderOpenApiJson(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
