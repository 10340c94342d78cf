/**
 * The fake's options: one schema for `createFakeApp`, `start`, the CLI flags and their
 * environment variables, so a value is checked the same way wherever it comes from.
 */
import { z } from "zod";
import { HttpBaseUrl } from "../../contract/http-url.js";
import { PARSED_ONCE } from "../../contract/parsed-once.js";
import type { Clock } from "./clock.js";
import { decimalOrText, wholeNumberOrText } from "./number-input.js";
import type { LogSink } from "./request-log.js";
import { MAX_DURATION_MS } from "./task-id.js";

export const Profile = z.enum(["realistic", "fast", "instant"], {
  error: "must be realistic, fast or instant",
});
export type Profile = z.infer<typeof Profile>;

const RATE_UNITS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** `5/s`, `100/m` or `1000/h`: how many API requests one key may make per window. */
export const RateLimit = z.union(
  [
    z.object({ limit: z.int().min(1), windowMs: z.int().min(1) }),
    z
      .string()
      .regex(/^[1-9][0-9]*\/[smh]$/, { error: "must look like 5/s, 100/m or 1000/h" })
      .transform((text) => {
        const [limit, unit] = text.split("/") as [string, keyof typeof RATE_UNITS];
        return { limit: Number(limit), windowMs: RATE_UNITS[unit] };
      }),
  ],
  { error: "must look like 5/s, 100/m or 1000/h" },
);
export type RateLimit = z.output<typeof RateLimit>;

const isClock = (value: unknown): value is Clock =>
  typeof value === "object" && value !== null && "now" in value && typeof value.now === "function";

/**
 * Every task timing, wherever it comes from: whole ms up to what a task id carries (about 29.5
 * days). A task slower than that is a stalled one for any test.
 */
export const TIMING_RULE = { min: 0, max: MAX_DURATION_MS, unit: "ms" } as const;

/** A timing as code, a flag or a variable gives it. */
export const Milliseconds = wholeNumberOrText(TIMING_RULE);

/** A bearer token for the control API: long enough that guessing it over the network is hopeless. */
export const ControlToken = z.string().regex(/^[\x21-\x7e]{16,1024}$/, {
  error:
    "must be 16 to 1024 visible ASCII characters without spaces (for example from `openssl rand -hex 16`)",
});

/** RFC 3986 scheme, then a host name, an IPv4 address or a bracketed IPv6 one, then a port. */
const ORIGIN =
  /^([a-z][a-z0-9+.-]*):\/\/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$/;
const ORIGIN_RULE =
  "must be * or an origin as a browser sends it: scheme://host[:port], such as http://localhost:5173, with no path, not even a trailing /";

/**
 * An origin a browser page may call the API from, as browsers write it: lower case, and without
 * the default port of http or https (a page at http://localhost:80 sends Origin http://localhost).
 */
export const CorsOrigin = z
  .string()
  .transform((text) => text.toLowerCase())
  .refine(
    (text) => {
      if (text === "*") return true;
      const port = ORIGIN.exec(text)?.[6];
      return port !== undefined ? Number(port.slice(1)) <= 65_535 : ORIGIN.test(text);
    },
    { error: ORIGIN_RULE },
  )
  .transform((text) => (/^https?:/.test(text) ? new URL(text).origin : text));

const isLogSink = (value: unknown): value is LogSink =>
  typeof value === "object" &&
  value !== null &&
  "write" in value &&
  typeof value.write === "function";

export const FakeOptions = z.object({
  /** Timings of new tasks: realistic (seconds), fast (a fraction of a second) or instant. */
  profile: Profile.default("realistic"),
  /** Overrides every task's time in `queued`. */
  queuedMs: Milliseconds.optional(),
  /** Overrides every task's time in `processing`. */
  processingMs: Milliseconds.optional(),
  /** The share of tasks that end `failed`, from 0 to 1. */
  failureRate: decimalOrText(0, 1).default(0),
  /** Seals task ids and draws outcomes and pictures: replicas with the same seed answer each other's ids. */
  seed: z.string().min(1, { error: "must not be empty" }).optional(),
  /** Accepted bearer keys; empty accepts any non-empty key. */
  apiKeys: z
    .array(
      z
        .string()
        .min(1, { error: "must not be empty (a trailing or doubled comma?)" })
        .regex(/^\S*$/, { error: "must not contain spaces: a bearer key is one word" }),
    )
    .default([]),
  /** Origin of every `image_url`; by default the origin the request came to. */
  publicUrl: HttpBaseUrl.optional(),
  /** Serves the control API under /__fake. */
  control: z.boolean().default(true),
  /** When set, the control API needs `Authorization: Bearer <token>`. */
  controlToken: ControlToken.optional(),
  /** The address the fake listens on: a Host the control API answers besides loopback. */
  bindHost: z.string().optional(),
  /** `system`, `manual` (moves only when advanced), or a clock of your own. */
  clock: z
    .union([z.enum(["system", "manual"]), z.custom<Clock>(isClock)], {
      error: "must be system or manual",
    })
    .default("system"),
  /** Answers 429 past this many API requests per key and window. */
  rateLimit: RateLimit.optional(),
  /** How many recent tasks the control API lists, and the most tasks changed by PATCH kept at once. */
  maxTasks: wholeNumberOrText({ min: 1 }).default(10_000),
  /** The most requests kept in the journal. */
  journalSize: wholeNumberOrText({ min: 1 }).default(1_000),
  /** One line per request: pretty, json or off (off in code; the CLI's default is pretty). */
  log: z.enum(["pretty", "json", "off"], { error: "must be pretty, json or off" }).default("off"),
  /** Where the request lines go instead of stdout. */
  logTo: z.custom<LogSink>(isLogSink, { error: "must have a write(text) method" }).optional(),
  /**
   * Origins whose pages may call the API and fetch images (CORS), or `["*"]` for any; never the
   * control API.
   */
  cors: z
    .array(CorsOrigin)
    .refine((origins) => !origins.includes("*") || origins.length === 1, {
      error: "* already allows every origin: give it alone",
    })
    .default([]),
  /** Checks every response against its route's schema and answers 500 on a mismatch. */
  selfCheck: z.boolean().default(Boolean(process.env.VITEST) || process.env.NODE_ENV === "test"),
});
/** Options as a caller passes them: every field optional. */
export type FakeOptionsInput = z.input<typeof FakeOptions>;
export type FakeOptions = z.output<typeof FakeOptions>;

/** Thrown for options the fake cannot use, with every problem listed. */
export class FakeOptionsError extends Error {
  override name = "FakeOptionsError";
}

/** The options with their defaults, or a FakeOptionsError naming each invalid one. */
export function parseFakeOptions(input: FakeOptionsInput): FakeOptions {
  const parsed = FakeOptions.safeParse(input, PARSED_ONCE);
  if (!parsed.success)
    throw new FakeOptionsError(`Invalid fake options:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
