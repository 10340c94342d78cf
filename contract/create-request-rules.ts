/**
 * What a create request's body means against the documentation: the documented rules it breaks,
 * each naming its field, or what about it the documentation leaves open. The contract suite's
 * request cases are named from the same open questions, and the proxy judges a live client with it.
 */
import type { z } from "zod";
import type { DocumentedRule, RuleBreak } from "./documented-rules.js";
import { outputSizeOf } from "./output-size.js";
import {
  CreateImageRequest,
  MODEL_LIMITS,
  Model,
  type Ratio,
  Resolution,
  resolutionsFor,
  Size,
  sizesFor,
} from "./schemas.js";

/** The optional fields of a create, which a client may also send as null. */
export const OPTIONAL_FIELDS = ["quality", "ratio", "resolution", "size", "image_urls"] as const;

/** What the field of a whole-body problem is called. */
export const WHOLE_BODY = "(body)";

const RULE_OF_FIELD: Readonly<Record<string, DocumentedRule>> = {
  model: "model",
  prompt: "prompt",
  quality: "quality",
  ratio: "ratio",
  resolution: "resolution",
  size: "size",
  image_urls: "imageUrls",
};
const KNOWN_FIELDS = new Set(["model", "prompt", ...OPTIONAL_FIELDS]);

/** One thing the documentation leaves open about a request: the question, and the case it names. */
export interface OpenCase {
  readonly question: string;
  /** How the contract suite names a request of this kind, e.g. `quality null`. */
  readonly subject: string;
}

/**
 * The open cases a create may raise, one owner for their questions and names.
 *
 * @example openCases.nullField("quality") // { question: "whether null for an optional field …", subject: "quality null" }
 */
export const openCases = {
  aboveResolution: (model: Model, field: "resolution" | "size", value: string): OpenCase => {
    const { maxResolution } = MODEL_LIMITS[model];
    return {
      question: `whether ${model}, documented up to ${maxResolution}, refuses more at create or fails the task later`,
      subject: `${model}: ${field} ${value}, above the model's ${maxResolution}`,
    };
  },
  ratioWithoutSize: (model: Model, ratio: Ratio, resolution: Resolution): OpenCase => ({
    question: "whether a ratio with no size at a resolution is refused at create or fails later",
    subject: `${model}: ratio ${ratio} at ${resolution}, which has no size there`,
  }),
  unknownField: (): OpenCase => ({
    question: "whether unknown request fields are refused or ignored",
    subject: "a field the documentation does not name",
  }),
  nullField: (field: (typeof OPTIONAL_FIELDS)[number]): OpenCase => ({
    question: "whether null for an optional field is refused or read as absent",
    subject: `${field} null`,
  }),
  blankPrompt: (): OpenCase => ({
    question: "whether a prompt of only blanks counts as empty",
    subject: "a prompt of blanks",
  }),
};

/**
 * The top-level field a zod issue is about, as a break names it: `(body)` for the whole body.
 *
 * @example fieldOf({ path: ["image_urls", 3], … }) // "image_urls"
 */
export const fieldOf = (issue: z.core.$ZodIssue | undefined): string => {
  const [first] = issue?.path ?? [];
  return first === undefined ? WHOLE_BODY : String(first);
};

/** A create body judged: the rules it breaks, or the model it asks for and what stays open. */
export type CreateRequestJudgement =
  | { readonly ok: false; readonly breaks: readonly RuleBreak[] }
  | {
      readonly ok: true;
      readonly model: Model;
      /** The request with its defaults, when the body as sent is documented to the letter. */
      readonly request: CreateImageRequest | undefined;
      /** What the documentation leaves open about it; empty for a request it fully decides. */
      readonly open: readonly OpenCase[];
    };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Judges a create body (already parsed from JSON) against the documented rules. What the
 * documentation leaves open (a model above its resolution, null for an optional field, an unknown
 * field, a prompt of blanks, a ratio with no size at its resolution) never counts as broken.
 *
 * @example judgeCreateRequest({ model: "gpt-image-3", prompt: "a cat" }) // { ok: false, breaks: [{ rule: "model", field: "model", … }] }
 */
export function judgeCreateRequest(body: unknown): CreateRequestJudgement {
  if (!isPlainObject(body)) {
    return {
      ok: false,
      breaks: [{ rule: "createBody", field: WHOLE_BODY, detail: "the body is not a JSON object" }],
    };
  }
  const open: OpenCase[] = [];
  const relaxed: Record<string, unknown> = { ...body };
  for (const field of OPTIONAL_FIELDS) {
    if (relaxed[field] !== null) continue;
    open.push(openCases.nullField(field));
    delete relaxed[field];
  }
  const model = Model.safeParse(relaxed.model);
  if (model.success) {
    const above = (
      field: "resolution" | "size",
      own: readonly string[],
      all: readonly string[],
    ) => {
      const value = relaxed[field];
      if (typeof value !== "string" || !all.includes(value) || own.includes(value)) return;
      open.push(openCases.aboveResolution(model.data, field, value));
      delete relaxed[field];
    };
    above("resolution", resolutionsFor(model.data), Resolution.options);
    above("size", sizesFor(model.data), Size.options);
  }
  // Whatever was relaxed above, the request as sent is not one the documentation decides.
  const relaxedAny = open.length > 0;
  const parsed = CreateImageRequest.safeParse(relaxed);
  if (!parsed.success) {
    const seen = new Set<string>();
    const breaks: RuleBreak[] = [];
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue);
      if (seen.has(field)) continue;
      seen.add(field);
      breaks.push({
        rule: RULE_OF_FIELD[field] ?? "createBody",
        field,
        detail: `${field === WHOLE_BODY ? "the body" : field} ${issue.message}`,
      });
    }
    return { ok: false, breaks };
  }
  const request = parsed.data;
  if (Object.keys(body).some((field) => !KNOWN_FIELDS.has(field)))
    open.push(openCases.unknownField());
  if (request.prompt.trim() === "") open.push(openCases.blankPrompt());
  const output = outputSizeOf(request);
  if (!request.size && output.pixels === undefined) {
    open.push(openCases.ratioWithoutSize(request.model, request.ratio, output.resolution));
  }
  return { ok: true, model: request.model, request: relaxedAny ? undefined : request, open };
}
