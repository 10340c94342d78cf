/** The control API's OpenAPI document: derived from the control table, served guarded, and true. */
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import type { OpenAPIObject, OperationObject } from "openapi3-ts/oas31";
import { describe, expect, it } from "vitest";
import { createFakeState } from "../core/fake-state.js";
import { parseFakeOptions } from "../core/options.js";
import { fakeWithAgent } from "../test-support/fake-agent.js";
import { buildControlOpenApiDocument } from "./control-openapi.js";
import { CONTROL_PREFIX } from "./control-paths.js";
import { controlRoutes } from "./control-routes.js";
import { type ControlRoute, controlTable } from "./control-table.js";
import { INSPECTOR_PATH } from "./inspector-page.js";

const table = Object.values(controlTable) as readonly ControlRoute[];
const operationAt = (document: OpenAPIObject, route: ControlRoute) =>
  document.paths?.[route.path]?.[route.method] as OperationObject | undefined;

describe("the control API's OpenAPI document", () => {
  it("validates with no error in the redocly OpenAPI 3.1 linter", async () => {
    const document = buildControlOpenApiDocument("http://127.0.0.1:4010", true);
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: JSON.stringify(document), config });
    const errors = problems.filter((problem) => problem.severity === "error");
    expect(errors.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
  });

  it("lists every route of the control table, and the fake serves exactly those", () => {
    const control = controlRoutes(createFakeState(parseFakeOptions({})), undefined);
    const document = buildControlOpenApiDocument("http://127.0.0.1:4010", false);
    for (const route of table) {
      expect(operationAt(document, route)?.operationId, `${route.method} ${route.path}`).toBe(
        route.operationId,
      );
    }
    const served = control.routes
      .filter((r) => r.path.startsWith(`${CONTROL_PREFIX}/`) && r.method !== "ALL")
      .filter((r) => r.path !== INSPECTOR_PATH)
      .map((r) => `${r.method} ${r.path}`);
    expect(new Set(served)).toEqual(
      new Set(
        table.map(
          (route) =>
            `${route.method.toUpperCase()} ${CONTROL_PREFIX}${route.path.replace(/\{(\w+)\}/g, ":$1")}`,
        ),
      ),
    );
  });

  it("declares each route's errors, the owner-only refusals, and the token only on a fake that has one", () => {
    const open = buildControlOpenApiDocument("http://127.0.0.1:4010", false);
    const guarded = buildControlOpenApiDocument("http://127.0.0.1:4010", true);
    const statuses = (document: OpenAPIObject, route: ControlRoute) =>
      Object.keys(operationAt(document, route)?.responses ?? {});
    expect(statuses(open, controlTable.changeTask)).toEqual([
      "200",
      "400",
      "403",
      "404",
      "409",
      "413",
      "415",
    ]);
    expect(statuses(guarded, controlTable.health)).toEqual(["200", "401", "403"]);
    expect(open.security).toBeUndefined();
    expect(guarded.security).toEqual([{ controlToken: [] }]);
    expect(operationAt(open, controlTable.listRequests)?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "status", in: "query", required: false }),
        expect.objectContaining({ name: "limit", in: "query", required: false }),
      ]),
    );
  });

  it("is served at /__fake/openapi.json with this fake's origin, under the control API's rules", async () => {
    const { agent } = fakeWithAgent({ controlToken: "doc-token-0123456789" });
    expect((await agent.get("/__fake/openapi.json")).status).toBe(401);
    const res = await agent
      .get("/__fake/openapi.json")
      .set("Host", "localhost:4321")
      .set("Authorization", "Bearer doc-token-0123456789");
    expect(res.status).toBe(200);
    expect(res.body.servers).toEqual([
      { url: "http://localhost:4321/__fake", description: "This fake's control API" },
    ]);
    const foreign = await agent
      .get("/__fake/openapi.json")
      .set("Origin", "http://elsewhere.example")
      .set("Authorization", "Bearer doc-token-0123456789");
    expect(foreign.status).toBe(403);
  });

  it("describes what the control API answers: real answers validate against its schemas", async () => {
    const { agent, create, fake } = fakeWithAgent({ queuedMs: 1000 });
    const document = (await agent.get("/__fake/openapi.json")).body as OpenAPIObject;
    const warnings: unknown[] = [];
    const logger = {
      log() {},
      warn: (...message: unknown[]) => warnings.push(message),
      error() {},
    };
    const ajv = new Ajv2020({ strict: false, allErrors: true, logger });
    ajvFormats.default(ajv);
    ajv.addSchema(document, "control");
    const { id } = (await create()).body;
    await agent
      .post("/__fake/faults")
      .send({ action: { type: "status", status: 503, delayMs: 1 }, times: 5 });
    await agent.post("/__fake/next-tasks").send({ count: 2, outcome: "failed" });
    await create();
    fake.advance(10);
    const answers = [
      ["/health", "Health"],
      ["/tasks?limit=5", "TaskPage"],
      [`/tasks/${id}`, "ControlTask"],
      ["/next-tasks", "PlannedTasks"],
      ["/requests", "RequestPage"],
      ["/polling", "PollingGrades"],
      ["/clock", "Clock"],
      ["/faults", "FaultList"],
      ["/tasks/image_nope", "ControlError"],
    ] as const;
    for (const [path, schema] of answers) {
      const validate = ajv.compile({ $ref: `control#/components/schemas/${schema}` });
      const { body } = await agent.get(`${CONTROL_PREFIX}${path}`);
      expect(validate(body) ? [] : validate.errors, `${path} as ${schema}`).toEqual([]);
    }
    // And a rule the schema forbids is refused by it too: the schemas are not vacuous.
    const task = ajv.compile({ $ref: "control#/components/schemas/ControlTask" });
    expect(task({ id, status: "exploded" })).toBe(false);
    // Every format in the document is one validators know: none of zod's own names leak out.
    expect(warnings).toEqual([]);
  });
});
