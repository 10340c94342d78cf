/**
 * The documented rules a contract run may fail on, each with where the provider documents it (the
 * sections of API.md: "create", "query", "models"). A check that can fail a run names one of these;
 * whatever is not listed here is drift, reported and never failed unless the run is strict.
 */
import { MODEL_LIMITS, Model, Quality, Ratio, Resolution, Size } from "./schemas.js";

const listed = (values: readonly string[]) => values.join(" ");
const limits = Model.options
  .map((model) => `${MODEL_LIMITS[model].maxReferenceImages} for ${model}`)
  .join(", ");

/**
 * Each documented rule, by name, as a sentence citing its section of API.md.
 *
 * @example DOCUMENTED_RULES.prompt // "prompt is a required, non-empty string (API.md, create)"
 */
export const DOCUMENTED_RULES = {
  bearerKey:
    "every request carries Authorization: Bearer <key>; without the account's key there is no task (API.md, base URL)",
  jsonBody: "request bodies are JSON (API.md, base URL)",
  createBody: "the create body is a JSON object of the documented fields (API.md, create)",
  model: `model is required: ${listed(Model.options)} (API.md, create)`,
  prompt: "prompt is a required, non-empty string (API.md, create)",
  quality: `quality is one of ${listed(Quality.options)}; gpt-image-2-r takes it and ignores it (API.md, create)`,
  ratio: `ratio is one of ${listed(Ratio.options)} (API.md, create)`,
  resolution: `resolution is one of ${listed(Resolution.options)}; gpt-image-2 goes up to 4K (API.md, create and models)`,
  size: `size is one of ${listed(Size.options)} and wins over resolution and ratio (API.md, create)`,
  imageUrls: `image_urls is a list of URLs, at most ${limits} (API.md, create and models)`,
  createResponse:
    "a valid create is answered HTTP 200 with { id: image_<uuid>, object: image, created: Unix seconds, model, status: queued | processing, error: null } (API.md, create)",
  resultFields:
    "a poll answers { id, object: image.generation, created, model, status }, image_url only and always when completed, error a string when failed (API.md, query)",
  taskIdentity:
    "a poll answers the task asked for: the same id, created and model as its create (API.md, query)",
  lifecycle:
    "queued → processing → completed | failed; once terminal a task never changes (API.md, query)",
  imageDownload: "image_url serves the image for 24 hours after completion (API.md, query)",
} as const;
export type DocumentedRule = keyof typeof DOCUMENTED_RULES;

/**
 * A rule as failure messages cite it.
 *
 * @example cite("prompt") // "[documented: prompt is a required, non-empty string (API.md, create)]"
 */
export const cite = (rule: DocumentedRule) => `[documented: ${DOCUMENTED_RULES[rule]}]`;

/**
 * A documented rule an exchange breaks: which rule, the field involved (`model`, `object`, `(body)`
 * for a whole body, `(status)` for the HTTP status, `Authorization` for the key), and what was seen.
 * The contract suite fails a test with it; the proxy logs and reports it.
 */
export interface RuleBreak {
  readonly rule: DocumentedRule;
  readonly field: string;
  /** What was wrong, without the rule's citation. */
  readonly detail: string;
}

/**
 * A break as the contract suite's failure messages give it: the rule cited, then the detail.
 *
 * @example breakMessage({ rule: "prompt", field: "prompt", detail: "prompt must not be empty" })
 */
export const breakMessage = (found: RuleBreak) => `${cite(found.rule)} ${found.detail}`;
