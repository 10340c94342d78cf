/**
 * The contract suite's settings, read only from CONTRACT_* environment variables, so the same
 * files run against the in-process fake, the fake on a port, or production.
 */
import { z } from "zod";
import { readEnvFlag } from "../env-flag.js";
import { HttpBaseUrl } from "../http-url.js";

const flag = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const read = readEnvFlag(value);
    if (read.ok) return read.value;
    ctx.addIssue({ code: "custom", message: read.message });
    return z.NEVER;
  });
const wholeMs = (fallback: number) =>
  z.coerce.number({ error: "must be a number of ms" }).int().min(1).default(fallback);

/** Whether the suite looks for the fake's control API on the target (`<origin>/__fake/health`). */
export const ControlMode = z.enum(["auto", "on", "off"], {
  error: "must be auto (probe the target), on (require the fake's control API) or off",
});
export type ControlMode = z.infer<typeof ControlMode>;

const ContractEnv = z.object({
  CONTRACT_BASE_URL: HttpBaseUrl.transform((url) => url.replace(/\/+$/, "")).optional(),
  CONTRACT_API_KEY: z.string().min(1).optional(),
  // Not z.coerce: Number("") is 0, and an empty variable (an unset CI secret) would make a run
  // that checks nothing and passes.
  CONTRACT_MAX_TASKS: z
    .string()
    .regex(/^\d+$/, { error: "must be a whole number (0 or more)" })
    .transform(Number)
    .optional(),
  CONTRACT_POLL_MS: wholeMs(3000),
  CONTRACT_TIMEOUT_MS: wholeMs(300_000),
  CONTRACT_REQUEST_TIMEOUT_MS: wholeMs(30_000),
  CONTRACT_STRICT: flag,
  CONTRACT_REPORT: z.string().min(1).optional(),
  CONTRACT_RECORD_DIR: z.string().min(1).optional(),
  CONTRACT_CONTROL: ControlMode.default("auto"),
  CONTRACT_CONTROL_TOKEN: z.string().min(1).optional(),
});

export interface SuiteConfig {
  /** Unset: the in-process fake. */
  readonly baseUrl: string | undefined;
  readonly apiKey: string;
  /** The most creates that could make a task; each task is billed on production. */
  readonly maxTasks: number;
  readonly pollMs: number;
  /** How long one task may take before the run fails. */
  readonly timeoutMs: number;
  /** How long one request may take, all of it: headers and body. */
  readonly requestTimeoutMs: number;
  readonly strict: boolean;
  readonly reportPath: string | undefined;
  readonly recordDir: string | undefined;
  readonly control: ControlMode;
  /** Sent as the bearer credential of the fake's control API, never to the API itself. */
  readonly controlToken: string | undefined;
}

/** Against a URL the default budget is small: every task created there may be billed. */
const DEFAULT_URL_MAX_TASKS = 3;

/**
 * The suite's settings, or an error that names every bad variable.
 *
 * @example readSuiteConfig({ CONTRACT_BASE_URL: "http://127.0.0.1:4010", CONTRACT_API_KEY: "k" }).maxTasks // 3
 */
export function readSuiteConfig(env: NodeJS.ProcessEnv = process.env): SuiteConfig {
  const parsed = ContractEnv.safeParse(env);
  if (!parsed.success) {
    // The path only: a value may be a secret.
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid contract settings:\n${lines.join("\n")}`);
  }
  const vars = parsed.data;
  const baseUrl = vars.CONTRACT_BASE_URL;
  if (baseUrl && !vars.CONTRACT_API_KEY) {
    throw new Error(
      "CONTRACT_API_KEY is required with CONTRACT_BASE_URL: the target needs a bearer key",
    );
  }
  return {
    baseUrl,
    apiKey: vars.CONTRACT_API_KEY ?? "contract-suite-key",
    maxTasks:
      vars.CONTRACT_MAX_TASKS ?? (baseUrl ? DEFAULT_URL_MAX_TASKS : Number.POSITIVE_INFINITY),
    pollMs: vars.CONTRACT_POLL_MS,
    timeoutMs: vars.CONTRACT_TIMEOUT_MS,
    requestTimeoutMs: vars.CONTRACT_REQUEST_TIMEOUT_MS,
    strict: vars.CONTRACT_STRICT,
    reportPath: vars.CONTRACT_REPORT,
    recordDir: vars.CONTRACT_RECORD_DIR,
    control: vars.CONTRACT_CONTROL,
    controlToken: vars.CONTRACT_CONTROL_TOKEN,
  };
}
