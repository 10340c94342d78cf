/**
 * `GET /openapi.json` and `GET /openapi.yaml`: the API's OpenAPI document with this fake's own
 * base URL as its first server, so Swagger UI's "Try it out" and clients generated from the
 * served document reach the fake and never production by accident.
 */
import type { Hono } from "hono";
import type { OpenAPIObject } from "openapi3-ts/oas31";
import { BASE_PATH } from "../../contract/routes.js";
import type { FakeEnv } from "./fake-env.js";
import { publicOrigin } from "./public-origin.js";

/** The paths the document is served at. */
export const OPENAPI_PATHS = { json: "/openapi.json", yaml: "/openapi.yaml" } as const;

const FORMATS = {
  json: { render: "renderOpenApiJson", type: "application/json; charset=utf-8" },
  yaml: { render: "renderOpenApiYaml", type: "application/yaml; charset=utf-8" },
} as const;

// Loaded at the first request: the document's builder and the YAML writer stay off the start path.
let openapi: Promise<typeof import("../../contract/openapi.js")> | undefined;
const loadOpenApi = () => {
  openapi ??= import("../../contract/openapi.js");
  return openapi;
};

// A fake is reached under a handful of origins; rendering each once keeps a request cheap.
const MAX_CACHED = 100;
const rendered = new Map<string, string>();
let template: OpenAPIObject | undefined;

async function documentFor(baseUrl: string, format: keyof typeof FORMATS): Promise<string> {
  const key = `${format} ${baseUrl}`;
  const hit = rendered.get(key);
  if (hit !== undefined) return hit;
  const module = await loadOpenApi();
  template ??= module.buildOpenApiDocument();
  // The first server is the fake's by construction; production stays second.
  const servers = template.servers?.map((server, i) =>
    i === 0 ? { ...server, url: baseUrl } : server,
  );
  const text = module[FORMATS[format].render]({ ...template, ...(servers && { servers }) });
  if (rendered.size < MAX_CACHED) rendered.set(key, text);
  return text;
}

/**
 * Serves the document in both formats.
 *
 * @example serveOpenApi(app, undefined); // GET /openapi.json lists http://<Host>/kyyReactApiServer first
 */
export function serveOpenApi(app: Hono<FakeEnv>, publicUrl: string | undefined): void {
  for (const format of Object.keys(FORMATS) as (keyof typeof FORMATS)[]) {
    app.get(OPENAPI_PATHS[format], async (c) => {
      const origin = publicOrigin(c, publicUrl);
      if (!origin.ok) return c.json({ message: origin.message }, 400);
      return c.body(await documentFor(origin.origin + BASE_PATH, format), 200, {
        "Content-Type": FORMATS[format].type,
      });
    });
  }
}
