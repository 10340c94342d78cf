/**
 * What any OpenAPI 3.1 document built from a table of zod-typed routes is made of: the component
 * schemas of a registry and references to them, path and query parameters, JSON bodies, and the
 * document around them. The API's document (`openapi.ts`) and the fake's control document are both
 * assembled from these pieces, so each is written once.
 */
import {
  type InfoObject,
  type OpenAPIObject,
  OpenApiBuilder,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type SchemaObject,
  type SecuritySchemeObject,
  type ServerObject,
} from "openapi3-ts/oas31";
import { z } from "zod";
import type { Example, PathParam } from "./routes.js";

/** Schemas with an id: each becomes an entry of `components.schemas`. */
export type SchemaRegistry = z.core.$ZodRegistry<{ id: string }>;

export const JSON_TYPE = "application/json";

const refTo = (id: string) => `#/components/schemas/${id}`;

/** The formats JSON Schema 2020-12 defines; tools warn on any other (OpenAPI adds int32 and co.). */
const STANDARD_FORMATS = new Set([
  "date-time",
  "date",
  "time",
  "duration",
  "email",
  "idn-email",
  "hostname",
  "idn-hostname",
  "ipv4",
  "ipv6",
  "uri",
  "uri-reference",
  "iri",
  "iri-reference",
  "uuid",
  "uri-template",
  "json-pointer",
  "relative-json-pointer",
  "regex",
  "int32",
  "int64",
  "float",
  "double",
]);

/**
 * zod names some string rules with formats of its own (`startsWith` gives `format: starts_with`
 * beside its `pattern`); the pattern carries the rule, and an unknown format only makes
 * validators warn, so it is left out.
 */
const jsonSchemaOptions = {
  override: ({ jsonSchema }: { jsonSchema: { format?: string; pattern?: string } }) => {
    if (jsonSchema.format !== undefined && !STANDARD_FORMATS.has(jsonSchema.format)) {
      if (jsonSchema.pattern === undefined) {
        throw new Error(`zod's format "${jsonSchema.format}" has no pattern to stand for it`);
      }
      delete jsonSchema.format;
    }
  },
} as const;

/**
 * `$ref`s to the schemas of a registry; a schema it does not hold is a mistake in the route table.
 *
 * @example const { ref } = schemaRefs(components); ref(TaskId) // { $ref: "#/components/schemas/TaskId" }
 */
export function schemaRefs(registry: SchemaRegistry) {
  const idOf = (schema: z.ZodType): string => {
    const id = registry.get(schema)?.id;
    if (id === undefined) {
      throw new Error("a schema used by the route table is not registered in its registry");
    }
    return id;
  };
  return { idOf, ref: (schema: z.ZodType): ReferenceObject => ({ $ref: refTo(idOf(schema)) }) };
}

/**
 * The registry's schemas as `components.schemas`: a request body as a client may send it (fields
 * with defaults optional), everything else as it arrives.
 *
 * @example componentSchemas(components, [CreateImageRequest]).CreateImageRequest?.required // ["model", "prompt"]
 */
export function componentSchemas(
  registry: SchemaRegistry,
  requestSchemas: readonly z.ZodType[],
): Record<string, SchemaObject> {
  const requestIds = new Set(requestSchemas.map(schemaRefs(registry).idOf));
  const input = z.toJSONSchema(registry, { ...jsonSchemaOptions, io: "input", uri: refTo }).schemas;
  const output = z.toJSONSchema(registry, {
    ...jsonSchemaOptions,
    io: "output",
    uri: refTo,
  }).schemas;
  // zod gathers a schema used in several places (a recursive one) under a `__shared` id, whose
  // refs no OpenAPI tool resolves: such a schema must have an id of its own.
  if ("__shared" in output || "__shared" in input) {
    throw new Error(
      "a schema used in several places (or recursive) has no id: register it in the registry",
    );
  }
  return Object.fromEntries(
    Object.entries(output).map(([id, outputSchema]) => {
      const { $schema, $id, ...schema } = (requestIds.has(id) ? input[id] : outputSchema) ?? {};
      return [id, schema as SchemaObject];
    }),
  );
}

/** A schema that no registry names, inlined; `input` for what a client sends. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "output"): SchemaObject {
  const { $schema, ...rest } = z.toJSONSchema(schema, { ...jsonSchemaOptions, io });
  return rest as SchemaObject;
}

/** Examples as OpenAPI lists them, by name. */
export const examplesOf = (examples: Readonly<Record<string, Example>>) =>
  Object.fromEntries(
    Object.entries(examples).map(([name, { summary, value }]) => [name, { summary, value }]),
  );

/** A JSON body of this schema, with its examples when it has some. */
export const jsonContent = (
  schema: SchemaObject | ReferenceObject,
  examples?: Readonly<Record<string, Example>>,
) => ({ [JSON_TYPE]: { schema, ...(examples && { examples: examplesOf(examples) }) } });

/** The path parameters of a route, each with its rule, description and example. */
export function pathParameters(
  params: Readonly<Record<string, PathParam>>,
  schemaOf: (schema: z.ZodType) => SchemaObject | ReferenceObject,
): ParameterObject[] {
  return Object.entries(params).map(([name, param]) => ({
    name,
    in: "path",
    required: true,
    description: param.description,
    schema: schemaOf(param.schema),
    example: param.example,
  }));
}

/** The query parameters a zod object of strings takes, from its input JSON Schema. */
export function queryParameters(query: z.ZodObject): ParameterObject[] {
  const { properties = {}, required = [] } = jsonSchemaOf(query, "input");
  return Object.entries(properties).map(([name, schema]) => {
    const { description, ...rule } = schema as SchemaObject;
    return {
      name,
      in: "query",
      required: required.includes(name),
      ...(description !== undefined && { description }),
      schema: rule,
    };
  });
}

/** What a route of any table gives its document. */
export interface TableRoute {
  readonly path: string;
  readonly method: string;
  readonly body?: { readonly schema: z.ZodType };
}

/**
 * A route table's component schemas (its bodies as clients send them) and its operations.
 *
 * @example assembleDocument({ info, servers, securitySchemes, ...tableParts(components, list, operationOf) })
 */
export function tableParts<R extends TableRoute>(
  registry: SchemaRegistry,
  routes: readonly R[],
  operationOf: (route: R) => OperationObject,
): Pick<DocumentParts, "schemas" | "operations"> {
  return {
    schemas: componentSchemas(
      registry,
      routes.flatMap((route) => (route.body ? [route.body.schema] : [])),
    ),
    operations: routes.map((route) => ({
      path: route.path,
      method: route.method,
      operation: operationOf(route),
    })),
  };
}

/** An operation of a document, where it goes. */
export interface PlacedOperation {
  readonly path: string;
  readonly method: string;
  readonly operation: OperationObject;
}

export interface DocumentParts {
  readonly info: InfoObject;
  readonly servers: readonly ServerObject[];
  readonly securitySchemes: Readonly<Record<string, SecuritySchemeObject>>;
  /** Security every operation needs unless it says otherwise. */
  readonly security?: readonly Record<string, string[]>[];
  readonly schemas: Readonly<Record<string, SchemaObject>>;
  readonly operations: readonly PlacedOperation[];
}

/**
 * An OpenAPI 3.1 document from its parts; operations on one path share its path item.
 *
 * @example assembleDocument({ info, servers: [], securitySchemes: {}, schemas: {}, operations: [] }).openapi // "3.1.0"
 */
export function assembleDocument(parts: DocumentParts): OpenAPIObject {
  const builder = OpenApiBuilder.create().addOpenApiVersion("3.1.0").addInfo(parts.info);
  for (const server of parts.servers) builder.addServer(server);
  for (const [name, scheme] of Object.entries(parts.securitySchemes)) {
    builder.addSecurityScheme(name, scheme);
  }
  for (const [id, schema] of Object.entries(parts.schemas)) builder.addSchema(id, schema);
  const paths = new Map<string, Record<string, OperationObject>>();
  for (const { path, method, operation } of parts.operations) {
    paths.set(path, { ...paths.get(path), [method]: operation });
  }
  for (const [path, item] of paths) builder.addPath(path, item);
  const spec = builder.getSpec();
  return parts.security ? { ...spec, security: [...parts.security] } : spec;
}

/**
 * A document as JSON, as `openapi.json` and the fake's served documents have it.
 *
 * @example JSON.parse(renderOpenApiJson(buildOpenApiDocument())).openapi // "3.1.0"
 */
export function renderOpenApiJson(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
