import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { assumedErrorsFixture } from "./fixtures.js";
import { renderOpenApiYaml } from "./openapi.js";
import { PRODUCTION_BASE_URL, type RouteDefinition, routes } from "./routes.js";
import { Model, Quality, Ratio, Resolution, Size, sizesFor } from "./schemas.js";

const OPENAPI_FILE = new URL("../openapi.yaml", import.meta.url);

interface Document {
  servers: { url: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, { responses: Record<string, Record<string, unknown>> }>>;
  components: {
    securitySchemes: Record<string, { type: string; scheme: string }>;
    schemas: Record<
      string,
      {
        enum?: string[];
        oneOf?: { properties: Record<string, { enum?: string[]; default?: unknown }> }[];
      }
    >;
  };
}

let committed: string;
let document: Document;

beforeAll(async () => {
  committed = await readFile(OPENAPI_FILE, "utf8");
  document = parse(committed) as Document;
});

describe("openapi.yaml", () => {
  it("is what the route table generates today", () => {
    expect(committed, "openapi.yaml is stale: run `npm run openapi`").toBe(renderOpenApiYaml());
  });

  it("validates with no error in the redocly OpenAPI 3.1 linter", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: committed, config });
    const errors = problems.filter((problem) => problem.severity === "error");
    expect(errors.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
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

  it("declares production and the local fake as servers, behind bearer auth", () => {
    expect(document.servers.map((server) => server.url)).toEqual([
      PRODUCTION_BASE_URL,
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:4010\//),
    ]);
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
    expect(r?.properties.size?.enum).toEqual(sizesFor("gpt-image-2-r"));
    expect(r?.properties.resolution?.enum).toEqual(["1k"]);
    expect(JSON.stringify(variants)).toContain('"maxItems":16');
    expect(JSON.stringify(variants)).toContain('"maxItems":6');
  });

  it("declares the documented defaults for both models: quality low, ratio 1:1, no reference images", () => {
    const variants = document.components.schemas.CreateImageRequest?.oneOf ?? [];
    for (const { properties } of variants) {
      expect(properties.quality?.default).toBe("low");
      expect(properties.ratio?.default).toBe("1:1");
      expect(properties.image_urls?.default).toEqual([]);
    }
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
      astToString(await openapiTS(committed, { defaultNonNullable: false })),
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
  }, 30_000);
});
