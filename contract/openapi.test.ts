import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import jsyaml from "js-yaml";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ASSUMED_ERROR_HEADERS } from "./assumed-errors.js";
import {
  assumedErrorsFixture,
  assumedPixelSizesFixture,
  assumedTimingsFixture,
} from "./fixtures.js";
import {
  buildOpenApiDocument,
  LOCAL_FAKE_BASE_URL,
  renderOpenApiJson,
  renderOpenApiYaml,
} from "./openapi.js";
import { PRODUCTION_BASE_URL, type RouteDefinition, routes } from "./routes.js";
import { Model, Quality, Ratio, Resolution, Size, sizesFor, TaskId } from "./schemas.js";

const YAML_FILE = new URL("../openapi.yaml", import.meta.url);
const JSON_FILE = new URL("../openapi.json", import.meta.url);

interface Parameter {
  name: string;
  description?: string;
  example?: unknown;
}
interface Response {
  "x-assumed"?: boolean;
  headers?: Record<string, { required?: boolean; schema: Record<string, unknown> }>;
}
interface Schema {
  description?: string;
  default?: unknown;
  enum?: string[];
  additionalProperties?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  $ref?: string;
}
interface Document {
  servers: { url: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<
    string,
    Record<string, { parameters?: Parameter[]; responses: Record<string, Response> }>
  >;
  components: {
    securitySchemes: Record<string, { type: string; scheme: string }>;
    schemas: Record<string, Schema>;
  };
}

let committedYaml: string;
let committedJson: string;
let document: Document;

beforeAll(async () => {
  committedYaml = await readFile(YAML_FILE, "utf8");
  committedJson = await readFile(JSON_FILE, "utf8");
  document = JSON.parse(committedJson) as Document;
});

const built = () => buildOpenApiDocument();
const pyyaml = spawnSync("python3", ["-c", "import yaml"]).status === 0;

describe("openapi.yaml and openapi.json", () => {
  it("are what the route table generates today", () => {
    expect(committedYaml, "openapi.yaml is stale: run `npm run openapi`").toBe(
      renderOpenApiYaml(built()),
    );
    expect(committedJson, "openapi.json is stale: run `npm run openapi`").toBe(
      renderOpenApiJson(built()),
    );
  });

  it("read as the built document in a YAML 1.1 parser (js-yaml 3), a YAML 1.2 parser and JSON", () => {
    expect(jsyaml.safeLoad(committedYaml)).toEqual(built());
    expect(parse(committedYaml)).toEqual(built());
    expect(JSON.parse(committedJson)).toEqual(built());
  });

  it.skipIf(!pyyaml)(
    `read the same in PyYAML${pyyaml ? "" : " (skipped: no python3 with PyYAML)"}`,
    () => {
      const script =
        "import json, sys, yaml\n" +
        "a = yaml.safe_load(open(sys.argv[1], encoding='utf-8'))\n" +
        "b = json.load(open(sys.argv[2], encoding='utf-8'))\n" +
        "print('same' if a == b else 'different')";
      const run = spawnSync("python3", ["-c", script, YAML_FILE.pathname, JSON_FILE.pathname], {
        encoding: "utf8",
      });
      expect(run.stderr).toBe("");
      expect(run.stdout.trim()).toBe("same");
    },
  );

  it("validates with no error in the redocly OpenAPI 3.1 linter", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: committedYaml, config });
    const errors = problems.filter((problem) => problem.severity === "error");
    expect(errors.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
  });

  it("shows the assumed pixel sizes and timings on the create, as the fixtures hold them", () => {
    const create = (built().paths?.["/v1/image2/images"]?.post ?? {}) as Record<string, unknown>;
    expect(create["x-assumed-pixel-sizes"]).toMatchObject({
      sizes: assumedPixelSizesFixture.sizes,
      default_resolution: assumedPixelSizesFixture.default_resolution,
    });
    expect(create["x-assumed-timings"]).toMatchObject({ timings: assumedTimingsFixture.timings });
  });

  it("declares both endpoints and every response of each", () => {
    for (const route of Object.values(routes) as RouteDefinition[]) {
      const responses = document.paths[route.path]?.[route.method]?.responses ?? {};
      const assumedStatuses = route.assumedErrors.map((kind) =>
        String(assumedErrorsFixture.errors[kind].status),
      );
      expect(Object.keys(responses).sort()).toEqual(
        [...new Set(["200", ...assumedStatuses])].sort(),
      );
      for (const status of assumedStatuses) expect(responses[status]?.["x-assumed"]).toBe(true);
      expect(responses["200"]?.["x-assumed"]).toBeUndefined();
    }
  });

  it("lists the local fake first and production second, described as billed", () => {
    expect(document.servers.map((server) => server.url)).toEqual([
      LOCAL_FAKE_BASE_URL,
      PRODUCTION_BASE_URL,
    ]);
    expect(LOCAL_FAKE_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:4010\//);
    expect(document.servers[0]?.description).toMatch(/fake/);
    expect(document.servers[1]?.description).toMatch(/billed/i);
  });

  it("lists a running fake's own base URL first when asked", () => {
    const served = buildOpenApiDocument({ fakeBaseUrl: "http://fake.test:9/kyyReactApiServer" });
    expect(served.servers?.map((server) => server.url)).toEqual([
      "http://fake.test:9/kyyReactApiServer",
      PRODUCTION_BASE_URL,
    ]);
  });

  it("declares bearer auth", () => {
    expect(document.components.securitySchemes.bearerAuth).toEqual({
      type: "http",
      scheme: "bearer",
    });
    expect(document.security).toEqual([{ bearerAuth: [] }]);
  });

  it("declares every documented enum exactly", () => {
    const { schemas } = document.components;
    expect(schemas.Model?.enum).toEqual(Model.options);
    expect(schemas.Quality?.enum).toEqual(Quality.options);
    expect(schemas.Ratio?.enum).toEqual(Ratio.options);
    expect(schemas.Resolution?.enum).toEqual(Resolution.options);
    expect(schemas.Size?.enum).toEqual(Size.options);
  });

  it("declares each model's own limits", () => {
    const variants = document.components.schemas.CreateImageRequest?.oneOf ?? [];
    expect(variants).toHaveLength(Model.options.length);
    const r = variants.find((variant) => JSON.stringify(variant).includes('"gpt-image-2-r"'));
    expect(r?.properties?.size?.enum).toEqual(sizesFor("gpt-image-2-r"));
    expect(r?.properties?.resolution?.enum).toEqual(["1k"]);
    expect(JSON.stringify(variants)).toContain('"maxItems":16');
    expect(JSON.stringify(variants)).toContain('"maxItems":6');
  });

  it("declares the documented defaults for both models: quality low, ratio 1:1, no reference images", () => {
    const variants = document.components.schemas.CreateImageRequest?.oneOf ?? [];
    for (const { properties } of variants) {
      expect(properties?.quality?.default).toBe("low");
      expect(properties?.ratio?.default).toBe("1:1");
      expect(properties?.image_urls?.default).toEqual([]);
    }
  });

  it("declares reference images with the one http(s) URL rule", () => {
    const { schemas } = document.components;
    for (const variant of schemas.CreateImageRequest?.oneOf ?? []) {
      expect(variant.properties?.image_urls?.items).toEqual({
        $ref: "#/components/schemas/HttpUrl",
      });
    }
    expect(schemas.HttpUrl).toMatchObject({
      type: "string",
      format: "uri",
      pattern: expect.any(String),
    });
  });

  it("describes the task id parameter, with an example that is a valid id", () => {
    const [id] = document.paths["/v1/result/{id}"]?.get?.parameters ?? [];
    expect(id?.name).toBe("id");
    expect(id?.description).toMatch(/image_/);
    expect(TaskId.safeParse(id?.example).success).toBe(true);
  });

  it("declares Retry-After on every 429 and WWW-Authenticate on every 401", () => {
    const declared = (status: string) =>
      Object.values(document.paths).flatMap((path) =>
        Object.values(path).flatMap((operation) => {
          const response = operation.responses[status];
          return response ? [response.headers ?? {}] : [];
        }),
      );
    expect(declared("429").length).toBeGreaterThan(0);
    for (const headers of declared("429")) {
      expect(headers["Retry-After"]).toMatchObject({ required: true, schema: { type: "integer" } });
    }
    expect(declared("401").length).toBeGreaterThan(0);
    for (const headers of declared("401")) {
      expect(headers["WWW-Authenticate"]).toMatchObject({ required: true });
    }
    expect(ASSUMED_ERROR_HEADERS.unauthorized?.["WWW-Authenticate"]?.value).toBe("Bearer");
  });

  it("declares the error envelope's list of issues", () => {
    const { schemas } = document.components;
    expect(schemas.AssumedEnvelopeError?.properties?.issues).toMatchObject({
      type: "array",
      items: { $ref: "#/components/schemas/ErrorIssue" },
    });
    expect(Object.keys(schemas.ErrorIssue?.properties ?? {})).toEqual(["path", "code", "message"]);
  });

  it("leaves an object open to unknown fields only where its description says why", () => {
    const open: string[] = [];
    const visit = (schema: Schema | undefined, where: string, reason: string | undefined) => {
      if (!schema) return;
      const why = schema.description ?? reason;
      if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
        open.push(where);
        expect(why, `${where} is open without a reason`).toMatch(
          /Open \(`additionalProperties`\): \S/,
        );
      }
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        visit(property, `${where}.${name}`, undefined);
      }
      visit(schema.items, `${where}[]`, undefined);
      for (const [i, variant] of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].entries()) {
        visit(variant, `${where}|${i}`, why);
      }
    };
    for (const [id, schema] of Object.entries(document.components.schemas)) {
      visit(schema, id, undefined);
    }
    expect(open).toEqual(
      expect.arrayContaining(["CreateImageResponse", "CompletedResult", "AssumedEnvelopeError"]),
    );
  });
});

describe("a client typed by openapi-typescript from openapi.yaml", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "image2-kit-openapi-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // defaultNonNullable: false, or openapi-typescript makes fields with a default required in requests.
  it("compiles, and rejects bodies the API rejects", async () => {
    await writeFile(
      join(dir, "api.d.ts"),
      astToString(await openapiTS(committedYaml, { defaultNonNullable: false })),
    );
    await writeFile(
      join(dir, "client.ts"),
      `import type { paths } from "./api.js";
type CreateBody = paths["/v1/image2/images"]["post"]["requestBody"]["content"]["application/json"];
type Created = paths["/v1/image2/images"]["post"]["responses"]["200"]["content"]["application/json"];
type Result = paths["/v1/result/{id}"]["get"]["responses"]["200"]["content"]["application/json"];
export async function create(body: CreateBody): Promise<Created> {
  const res = await fetch("http://127.0.0.1:4010/kyyReactApiServer/v1/image2/images", { method: "POST", body: JSON.stringify(body) });
  return (await res.json()) as Created;
}
export function imageOf(result: Result): string | undefined {
  return result.status === "completed" ? result.image_url : undefined;
}
export const ok: CreateBody = { model: "gpt-image-2-r", prompt: "cat", size: "1024x1024" };
// @ts-expect-error a model outside the documented set
export const badModel: CreateBody = { model: "gpt-image-1", prompt: "cat" };
// @ts-expect-error gpt-image-2-r goes up to 1k only
export const badSize: CreateBody = { model: "gpt-image-2-r", prompt: "cat", size: "3840x2160" };
`,
    );
    const program = ts.createProgram([join(dir, "client.ts")], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
    // A whole TypeScript program with the DOM lib: seconds alone, far more on two busy cores.
  }, 120_000);
});
