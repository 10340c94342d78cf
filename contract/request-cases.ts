/**
 * Create requests generated from the documented enums and limits, never listed by hand, so a rule
 * added to `schemas.ts` is exercised on its accept and its reject side without a second list.
 * Three kinds, kept apart: documented valid, documented invalid, and requests whose fate the
 * documentation leaves open (only ever drift).
 */
import { OPTIONAL_FIELDS, type OpenCase, openCases } from "./create-request-rules.js";
import type { DocumentedRule } from "./documented-rules.js";
import { assumedPixelSizesFixture, seedFixtures } from "./fixtures.js";
import {
  CreateImageRequest,
  MODEL_LIMITS,
  Model,
  Quality,
  Ratio,
  Resolution,
  resolutionsFor,
  SIZE_RESOLUTION,
  Size,
  sizesFor,
} from "./schemas.js";

export interface RequestCase {
  /** A lowercase sentence naming the rule. */
  readonly name: string;
  /** The model the body asks for; undefined when it names none of the documented ones. */
  readonly model: Model | undefined;
  readonly body: unknown;
}

/** A request the documentation calls valid, with the documented rules its acceptance checks. */
export interface ValidRequestCase extends RequestCase {
  readonly model: Model;
  readonly rules: readonly DocumentedRule[];
}

/** A request that breaks one documented rule. */
export interface InvalidRequestCase extends RequestCase {
  /** The top-level field a rejection is about; "" for the body as a whole. */
  readonly field: string;
  readonly rule: DocumentedRule;
}

/** A request the documentation neither allows nor forbids: how a server answers it is drift. */
export interface UndocumentedRequestCase extends RequestCase {
  readonly model: Model;
  /** What the documentation leaves open about it. */
  readonly question: string;
}

const PROMPT = "A lighthouse on a cliff at dusk, oil painting";

const referenceUrls = (count: number) =>
  Array.from({ length: count }, (_, index) => `https://example.com/reference-${index + 1}.png`);

/** Values close to, but outside, a documented set: a stray space, another case, empty, a number. */
function outside(options: readonly string[]): unknown[] {
  const [first = ""] = options;
  const candidates: unknown[] = [`${first} `, first.toUpperCase(), first.toLowerCase(), "", 0];
  const unique = [...new Set(candidates)];
  return unique.filter((value) => typeof value !== "string" || !options.includes(value));
}

/**
 * Whether the assumed pixel table has a size for this ratio at this resolution. Where it has none
 * (1:1 at 4k), whether a server refuses the create or fails the task later is undocumented.
 */
const hasAssumedSize = (ratio: Ratio, resolution: Resolution) =>
  assumedPixelSizesFixture.sizes[ratio][resolution] !== null;

/** The two ratios furthest from square, one wide and one tall (21:9 and 9:21). */
function extremeRatios(): [Ratio, Ratio] {
  const aspect = (ratio: Ratio) => {
    const [width = 1, height = 1] = ratio.split(":").map(Number);
    return width / height;
  };
  const sorted = [...Ratio.options].sort((a, b) => aspect(a) - aspect(b));
  return [sorted.at(-1) ?? "1:1", sorted[0] ?? "1:1"];
}

/** The documented model a body asks for, if any. */
function modelNamedBy(body: unknown): Model | undefined {
  const model =
    typeof body === "object" && body !== null && "model" in body ? body.model : undefined;
  const parsed = Model.safeParse(model);
  return parsed.success ? parsed.data : undefined;
}

/** The smallest valid request for a model: the two required fields. */
export function minimalRequest(model: Model): { model: Model; prompt: string } {
  return { model, prompt: PROMPT };
}

/**
 * Requests the documentation calls valid, each checking one rule: each model with each documented
 * value of each field, and each model's limits reached exactly.
 */
export function validCreateRequests(): ValidRequestCase[] {
  return Model.options.flatMap((model): ValidRequestCase[] => {
    const base = minimalRequest(model);
    const resolutions = resolutionsFor(model);
    const sizes = sizesFor(model);
    const top = MODEL_LIMITS[model].maxResolution;
    const { maxReferenceImages } = MODEL_LIMITS[model];
    const defaultRatio = CreateImageRequest.parse(base).ratio;
    const valid = (name: string, rules: DocumentedRule[], body: unknown): ValidRequestCase => ({
      name: `${model}: ${name}`,
      model,
      rules,
      body,
    });
    return [
      valid("only the required fields", ["model", "prompt"], base),
      ...Quality.options.map((quality) =>
        valid(`quality ${quality}`, ["quality"], { ...base, quality }),
      ),
      ...Ratio.options.map((ratio) => valid(`ratio ${ratio}`, ["ratio"], { ...base, ratio })),
      ...resolutions.map((resolution) =>
        valid(`resolution ${resolution} with ratio 16:9`, ["resolution"], {
          ...base,
          ratio: "16:9",
          resolution,
        }),
      ),
      ...resolutions
        .filter((resolution) => hasAssumedSize(defaultRatio, resolution))
        .map((resolution) =>
          valid(`resolution ${resolution} with the default ratio`, ["resolution"], {
            ...base,
            resolution,
          }),
        ),
      ...sizes.map((size) => valid(`size ${size}`, ["size"], { ...base, size })),
      valid("size together with resolution and ratio", ["size"], {
        ...base,
        size: sizes.at(-1),
        resolution: top,
        ratio: "9:16",
      }),
      valid(`${maxReferenceImages} reference images, the most it takes`, ["imageUrls"], {
        ...base,
        image_urls: referenceUrls(maxReferenceImages),
      }),
      valid("every field at once", ["quality", "ratio", "resolution", "imageUrls"], {
        ...base,
        quality: "high",
        ratio: Ratio.options.filter((ratio) => hasAssumedSize(ratio, top)).at(-1),
        resolution: top,
        image_urls: referenceUrls(1),
      }),
    ];
  });
}

/**
 * The accept side of every documented limit in as few creates as the documentation allows, most
 * valuable first, for runs whose budget buys only a few tasks: each model at its most reference
 * images, its largest sizes and resolution, the extreme ratios and quality (sent to gpt-image-2-r
 * too), and the provider's own example. `size` wins over `resolution` and `ratio`, so one request
 * may carry all three.
 *
 * @example limitCreateRequests().slice(0, 3).map((c) => c.model) // ["gpt-image-2", "gpt-image-2-r", "gpt-image-2"]
 */
export function limitCreateRequests(): ValidRequestCase[] {
  const extremes = extremeRatios();
  const rounds = Model.options.map((model, modelIndex) => {
    const top = MODEL_LIMITS[model].maxResolution;
    const { maxReferenceImages } = MODEL_LIMITS[model];
    const sizes = sizesFor(model).filter((size) => SIZE_RESOLUTION[size] === top);
    // gpt-image-2 is billed by quality tier: the cheapest first. gpt-image-2-r ignores quality: a
    // value other than the default shows that it is taken.
    const qualities = modelIndex === 0 ? Quality.options : [...Quality.options].reverse();
    const count = Math.max(sizes.length, extremes.length);
    return Array.from({ length: count }, (_, round): ValidRequestCase => {
      const size = sizes[round % sizes.length];
      const ratio = extremes[(round + modelIndex) % extremes.length];
      const quality = qualities[round % qualities.length];
      return {
        name: `${model} at its documented limits: ${maxReferenceImages} reference images, size ${size}, resolution ${top}, ratio ${ratio}, quality ${quality}`,
        model,
        rules: ["model", "quality", "ratio", "resolution", "size", "imageUrls"],
        body: {
          ...minimalRequest(model),
          quality,
          ratio,
          resolution: top,
          size,
          image_urls: referenceUrls(maxReferenceImages),
        },
      };
    });
  });
  const example: ValidRequestCase = {
    name: "the provider's example request",
    model: seedFixtures.createRequest.model,
    rules: ["model", "prompt", "quality", "ratio", "resolution", "imageUrls"],
    body: seedFixtures.createRequest,
  };
  const firsts = rounds.map((model) => model[0]);
  const rest = rounds.flatMap((model) => model.slice(1));
  return [...firsts, example, ...rest].filter((c): c is ValidRequestCase => c !== undefined);
}

/** Requests that break one documented rule each, naming the field a rejection is about. */
export function invalidCreateRequests(): InvalidRequestCase[] {
  const anyModel = minimalRequest("gpt-image-2");
  const { model: _model, ...withoutModel } = anyModel;
  const { prompt: _prompt, ...withoutPrompt } = anyModel;
  const enumFields = {
    quality: Quality,
    ratio: Ratio,
    resolution: Resolution,
    size: Size,
  } as const satisfies Partial<Record<DocumentedRule, unknown>>;
  const invalid = (
    name: string,
    field: string,
    rule: DocumentedRule,
    body: unknown,
  ): InvalidRequestCase => ({ name, model: modelNamedBy(body), field, rule, body });
  return [
    invalid("a body that is an array", "", "createBody", [anyModel]),
    invalid("a body that is a string", "", "createBody", PROMPT),
    invalid("a body that is null", "", "createBody", null),
    invalid("no model", "model", "model", withoutModel),
    ...outside(Model.options).map((model) =>
      invalid(`model ${JSON.stringify(model)}, outside the documented set`, "model", "model", {
        ...anyModel,
        model,
      }),
    ),
    invalid("no prompt", "prompt", "prompt", withoutPrompt),
    invalid("an empty prompt", "prompt", "prompt", { ...anyModel, prompt: "" }),
    invalid("a prompt that is not a string", "prompt", "prompt", { ...anyModel, prompt: 42 }),
    ...Object.entries(enumFields).flatMap(([field, schema]) =>
      outside(schema.options).map((value) =>
        invalid(
          `${field} ${JSON.stringify(value)}, outside the documented set`,
          field,
          field as keyof typeof enumFields,
          { ...anyModel, [field]: value },
        ),
      ),
    ),
    ...Model.options.map((model) => {
      const { maxReferenceImages } = MODEL_LIMITS[model];
      return invalid(
        `${model}: ${maxReferenceImages + 1} reference images, one more than it takes`,
        "image_urls",
        "imageUrls",
        { ...minimalRequest(model), image_urls: referenceUrls(maxReferenceImages + 1) },
      );
    }),
    invalid("image_urls that is not an array", "image_urls", "imageUrls", {
      ...anyModel,
      image_urls: referenceUrls(1)[0],
    }),
    invalid("a reference image that is not a URL", "image_urls", "imageUrls", {
      ...anyModel,
      image_urls: ["reference.png"],
    }),
    invalid("a reference image that is not a string", "image_urls", "imageUrls", {
      ...anyModel,
      image_urls: [42],
    }),
  ];
}

/**
 * Requests whose fate the documentation leaves open: a model above its resolution, a ratio with no
 * size at a resolution, an unknown field, null for an optional field, a prompt of blanks. A server
 * may accept or refuse each; the suite reports which, against what the fake does. Each is named,
 * and asks its question, as `judgeCreateRequest` finds it open.
 *
 * @example undocumentedCreateRequests().find((c) => c.name === "a prompt of blanks")?.question
 */
export function undocumentedCreateRequests(): UndocumentedRequestCase[] {
  const anyModel = minimalRequest("gpt-image-2");
  const open = (model: Model, c: OpenCase, body: unknown): UndocumentedRequestCase => ({
    name: c.subject,
    model,
    question: c.question,
    body,
  });
  const aboveItsResolution = Model.options.flatMap((model): UndocumentedRequestCase[] => {
    const above = (field: "resolution" | "size", value: string) =>
      open(model, openCases.aboveResolution(model, field, value), {
        ...minimalRequest(model),
        [field]: value,
      });
    const resolutions = resolutionsFor(model);
    const sizes = sizesFor(model);
    return [
      ...Resolution.options
        .filter((resolution) => !resolutions.includes(resolution))
        .map((resolution) => above("resolution", resolution)),
      ...Size.options.filter((size) => !sizes.includes(size)).map((size) => above("size", size)),
    ];
  });
  // One such pair per model and resolution answers the question; each may be a billed task.
  const withoutSize = Model.options.flatMap((model) =>
    resolutionsFor(model).flatMap((resolution): UndocumentedRequestCase[] => {
      const ratio = Ratio.options.find((candidate) => !hasAssumedSize(candidate, resolution));
      if (!ratio) return [];
      return [
        open(model, openCases.ratioWithoutSize(model, ratio, resolution), {
          ...minimalRequest(model),
          ratio,
          resolution,
        }),
      ];
    }),
  );
  return [
    ...aboveItsResolution,
    ...withoutSize,
    open(anyModel.model, openCases.unknownField(), { ...anyModel, image2_kit_unknown_field: true }),
    ...OPTIONAL_FIELDS.map((field) =>
      open(anyModel.model, openCases.nullField(field), { ...anyModel, [field]: null }),
    ),
    open(anyModel.model, openCases.blankPrompt(), { ...anyModel, prompt: "   " }),
  ];
}
