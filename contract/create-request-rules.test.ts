import { describe, expect, it } from "vitest";
import { judgeCreateRequest, WHOLE_BODY } from "./create-request-rules.js";
import {
  invalidCreateRequests,
  limitCreateRequests,
  minimalRequest,
  undocumentedCreateRequests,
  validCreateRequests,
} from "./request-cases.js";

const named = <T extends { name: string }>(cases: readonly T[]) =>
  cases.map((c) => [c.name, c] as const);

describe("judging a create request against the documented rules", () => {
  it.for(named([...validCreateRequests(), ...limitCreateRequests()]))(
    "finds %s documented and decided",
    ([, c]) => {
      const judged = judgeCreateRequest(c.body);
      expect(judged).toMatchObject({ ok: true, model: c.model, open: [] });
      expect(judged.ok && judged.request?.model).toBe(c.model);
    },
  );

  it.for(named(invalidCreateRequests()))(
    "finds that %s breaks its rule, naming the field",
    ([, c]) => {
      const judged = judgeCreateRequest(c.body);
      if (judged.ok) throw new Error(`judged valid: ${JSON.stringify(c.body)}`);
      expect(judged.breaks[0]).toMatchObject({ rule: c.rule, field: c.field || WHOLE_BODY });
    },
  );

  it.for(named(undocumentedCreateRequests()))(
    "finds %s open, asking the suite's question, and never broken",
    ([, c]) => {
      const judged = judgeCreateRequest(c.body);
      if (!judged.ok) throw new Error(`judged broken: ${JSON.stringify(judged.breaks)}`);
      expect(judged.open).toContainEqual({ question: c.question, subject: c.name });
    },
  );

  it("lists one break per field, each in words that name the field", () => {
    const judged = judgeCreateRequest({ model: "gpt-image-2", prompt: "", quality: "best" });
    expect(judged.ok).toBe(false);
    if (judged.ok) return;
    expect(judged.breaks.map((b) => [b.rule, b.field])).toEqual([
      ["prompt", "prompt"],
      ["quality", "quality"],
    ]);
    expect(judged.breaks[1]?.detail).toMatch(/^quality /);
  });

  it("keeps the request it parsed only when nothing had to be read leniently", () => {
    const lenient = judgeCreateRequest({ ...minimalRequest("gpt-image-2"), ratio: null });
    expect(lenient).toMatchObject({ ok: true, request: undefined });
    const unknownField = judgeCreateRequest({ ...minimalRequest("gpt-image-2"), seed: 7 });
    expect(unknownField.ok && unknownField.request?.ratio).toBe("1:1");
  });
});
