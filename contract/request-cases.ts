/**
 * Create requests generated from the documented enums and limits, never listed by hand, so a rule
 * added to `schemas.ts` is exercised on its accept and its reject side without a second list.
 */
import {
  MODEL_LIMITS,
  Model,
  Quality,
  Ratio,
  Resolution,
  resolutionsFor,
  Size,
  sizesFor,
} from "./schemas.js";

export interface RequestCase {
  /** A lowercase sentence naming the rule. */
  readonly name: string;
  readonly body: unknown;
}

export interface InvalidRequestCase extends RequestCase {
  /** The top-level field a rejection is about; "" for the body as a whole. */
  readonly field: string;
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

/** The smallest valid request for a model: the two required fields. */
export function minimalRequest(model: Model): { model: Model; prompt: string } {
  return { model, prompt: PROMPT };
}

/**
 * Requests the documentation says are valid: each model with each documented value of each field,
 * and each model's limits reached exactly.
 */
export function validCreateRequests(): RequestCase[] {
  return Model.options.flatMap((model): RequestCase[] => {
    const base = minimalRequest(model);
    const resolutions = resolutionsFor(model);
    const sizes = sizesFor(model);
    const { maxReferenceImages } = MODEL_LIMITS[model];
    return [
      { name: `${model}: only the required fields`, body: base },
      ...Quality.options.map((quality) => ({
        name: `${model}: quality ${quality}`,
        body: { ...base, quality },
      })),
      ...Ratio.options.map((ratio) => ({
        name: `${model}: ratio ${ratio}`,
        body: { ...base, ratio },
      })),
      ...resolutions.map((resolution) => ({
        name: `${model}: resolution ${resolution} with ratio 16:9`,
        body: { ...base, ratio: "16:9", resolution },
      })),
      ...resolutions.map((resolution) => ({
        name: `${model}: resolution ${resolution} with the default ratio`,
        body: { ...base, resolution },
      })),
      ...sizes.map((size) => ({ name: `${model}: size ${size}`, body: { ...base, size } })),
      {
        name: `${model}: size together with resolution and ratio`,
        body: { ...base, size: sizes.at(-1), resolution: resolutions.at(-1), ratio: "9:16" },
      },
      {
        name: `${model}: ${maxReferenceImages} reference images, the most it takes`,
        body: { ...base, image_urls: referenceUrls(maxReferenceImages) },
      },
      {
        name: `${model}: every field at once`,
        body: {
          ...base,
          quality: "high",
          ratio: "3:4",
          resolution: resolutions.at(-1),
          image_urls: referenceUrls(1),
        },
      },
    ];
  });
}

/** Requests that break one documented rule each, naming the field a rejection is about. */
export function invalidCreateRequests(): InvalidRequestCase[] {
  const anyModel = minimalRequest("gpt-image-2");
  const { model: _model, ...withoutModel } = anyModel;
  const { prompt: _prompt, ...withoutPrompt } = anyModel;
  const enumFields = { quality: Quality, ratio: Ratio, resolution: Resolution, size: Size };
  return [
    { name: "a body that is an array", field: "", body: [anyModel] },
    { name: "a body that is a string", field: "", body: PROMPT },
    { name: "a body that is null", field: "", body: null },
    { name: "no model", field: "model", body: withoutModel },
    ...outside(Model.options).map((model) => ({
      name: `model ${JSON.stringify(model)}, outside the documented set`,
      field: "model",
      body: { ...anyModel, model },
    })),
    { name: "no prompt", field: "prompt", body: withoutPrompt },
    { name: "an empty prompt", field: "prompt", body: { ...anyModel, prompt: "" } },
    { name: "a prompt that is not a string", field: "prompt", body: { ...anyModel, prompt: 42 } },
    ...Object.entries(enumFields).flatMap(([field, schema]) =>
      outside(schema.options).map((value) => ({
        name: `${field} ${JSON.stringify(value)}, outside the documented set`,
        field,
        body: { ...anyModel, [field]: value },
      })),
    ),
    ...Model.options.flatMap((model) => {
      const base = minimalRequest(model);
      const { maxReferenceImages } = MODEL_LIMITS[model];
      const resolutions = resolutionsFor(model);
      const sizes = sizesFor(model);
      return [
        {
          name: `${model}: ${maxReferenceImages + 1} reference images, one more than it takes`,
          field: "image_urls",
          body: { ...base, image_urls: referenceUrls(maxReferenceImages + 1) },
        },
        ...Resolution.options
          .filter((resolution) => !resolutions.includes(resolution))
          .map((resolution) => ({
            name: `${model}: resolution ${resolution}, above the model's ${MODEL_LIMITS[model].maxResolution}`,
            field: "resolution",
            body: { ...base, resolution },
          })),
        ...Size.options
          .filter((size) => !sizes.includes(size))
          .map((size) => ({
            name: `${model}: size ${size}, above the model's ${MODEL_LIMITS[model].maxResolution}`,
            field: "size",
            body: { ...base, size },
          })),
      ];
    }),
    {
      name: "image_urls that is not an array",
      field: "image_urls",
      body: { ...anyModel, image_urls: referenceUrls(1)[0] },
    },
    {
      name: "a reference image that is not a URL",
      field: "image_urls",
      body: { ...anyModel, image_urls: ["reference.png"] },
    },
    {
      name: "a reference image that is not a string",
      field: "image_urls",
      body: { ...anyModel, image_urls: [42] },
    },
  ];
}
