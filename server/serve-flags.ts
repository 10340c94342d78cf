/**
 * The flags of `image2-kit serve`: one table drives parsing, the environment variables and
 * `--help`, so the help cannot lie.
 */
import type { z } from "zod";
import { FakeOptions } from "./core/options.js";
import { flagHelp, readFlags, type Flag as TableFlag } from "./flag-table.js";
import { ListenOptions } from "./start.js";

const ServeOptions = FakeOptions.extend(ListenOptions.shape);

/** A flag of `serve`; `control` is set false by --no-control. */
export type Flag = TableFlag<keyof z.input<typeof ServeOptions>>;

/** Every flag of `serve`, with its variable, the option it sets and its help line. */
export const FLAGS: readonly Flag[] = [
  {
    name: "port",
    env: "PORT",
    option: "port",
    kind: "string",
    value: "N",
    help: "port to listen on; 0 picks a free one (default 4010)",
  },
  {
    name: "host",
    env: "HOST",
    option: "host",
    kind: "string",
    value: "HOST",
    help: "address to listen on; off loopback needs --control-token or --no-control (default 127.0.0.1)",
  },
  {
    name: "profile",
    env: "FAKE_PROFILE",
    option: "profile",
    kind: "string",
    value: "NAME",
    help: "task timings: realistic (seconds), fast or instant (default realistic)",
  },
  {
    name: "queued-ms",
    env: "FAKE_QUEUED_MS",
    option: "queuedMs",
    kind: "string",
    value: "MS",
    help: "time every task spends queued (default: from the profile)",
  },
  {
    name: "processing-ms",
    env: "FAKE_PROCESSING_MS",
    option: "processingMs",
    kind: "string",
    value: "MS",
    help: "time every task spends processing (default: from the profile)",
  },
  {
    name: "failure-rate",
    env: "FAKE_FAILURE_RATE",
    option: "failureRate",
    kind: "string",
    value: "0..1",
    help: "share of tasks that end failed (default 0)",
  },
  {
    name: "seed",
    env: "FAKE_SEED",
    option: "seed",
    kind: "string",
    value: "TEXT",
    help: "seals task ids and draws outcomes and pictures; replicas answer each other's ids only when started with the same seed (default: random, per process)",
  },
  {
    name: "api-key",
    env: "FAKE_API_KEYS",
    option: "apiKeys",
    kind: "list",
    value: "KEY",
    help: "an accepted bearer key; repeat it, or comma-separate in the env (default: any non-empty key)",
    secret: true,
  },
  {
    name: "public-url",
    env: "FAKE_PUBLIC_URL",
    option: "publicUrl",
    kind: "string",
    value: "URL",
    help: "origin used in image_url (default: from the request's Host header)",
  },
  {
    name: "clock",
    env: "FAKE_CLOCK",
    option: "clock",
    kind: "string",
    value: "KIND",
    help: "system, or manual: moves only through POST /__fake/clock (default system)",
  },
  {
    name: "rate-limit",
    env: "FAKE_RATE_LIMIT",
    option: "rateLimit",
    kind: "string",
    value: "N/UNIT",
    help: "per-key limit such as 5/s, 100/m or 1000/h; past it 429 with Retry-After (default none)",
  },
  {
    name: "max-tasks",
    env: "FAKE_MAX_TASKS",
    option: "maxTasks",
    kind: "string",
    value: "N",
    help: "recent tasks listed at /__fake/tasks, and at most that many tasks changed by PATCH at once; every task id answers whatever this is (default 10000)",
  },
  {
    name: "journal-size",
    env: "FAKE_JOURNAL_SIZE",
    option: "journalSize",
    kind: "string",
    value: "N",
    help: "requests kept in the journal at /__fake/requests (default 1000)",
  },
  {
    name: "headers-timeout-ms",
    env: "FAKE_HEADERS_TIMEOUT_MS",
    option: "headersTimeoutMs",
    kind: "string",
    value: "MS",
    help: "cuts off a client that has not sent its headers by then (default 10000)",
  },
  {
    name: "request-timeout-ms",
    env: "FAKE_REQUEST_TIMEOUT_MS",
    option: "requestTimeoutMs",
    kind: "string",
    value: "MS",
    help: "cuts off a client that has not sent its whole request by then (default 30000)",
  },
  {
    name: "control-token",
    env: "FAKE_CONTROL_TOKEN",
    option: "controlToken",
    kind: "string",
    value: "TOKEN",
    help: "/__fake then needs 'Authorization: Bearer TOKEN'; required off loopback (default none)",
    secret: true,
  },
  {
    name: "cors",
    env: "FAKE_CORS",
    option: "cors",
    kind: "list",
    value: "ORIGIN",
    help: "an origin (scheme://host[:port]) whose web pages may call the API and fetch images, or * for any; repeat it, or comma-separate in the env; never /__fake (default: none)",
  },
  {
    name: "log",
    env: "FAKE_LOG",
    option: "log",
    kind: "string",
    value: "FORMAT",
    help: "one line per request on stdout: pretty, json (one object a line) or off (default pretty)",
    cliDefault: "pretty",
  },
  {
    name: "no-control",
    env: "FAKE_NO_CONTROL",
    option: "control",
    kind: "boolean",
    help: "turns the /__fake control API off (env: 1, true, yes or on)",
  },
];

export const SERVE_USAGE = `Usage: image2-kit serve [flags]     (npm start -- [flags])

Runs a fake of the GPT Image 2 task API. The API answers under / and under /kyyReactApiServer,
so a client only swaps the origin of the production base URL.

Flags (each also read from the environment variable in brackets; a flag wins):
${flagHelp(FLAGS)}
  --version                prints the version
  --help, -h               shows this text

Exit status: 0 after a clean stop (SIGINT or SIGTERM), 1 when it cannot listen or this Node is
too old, 2 for invalid flags (or a control API open off loopback without a token).`;

/** The options of `serve` from its flags, then its environment variables; a UsageError per problem. */
export const readServeOptions = (argv: readonly string[], env: NodeJS.ProcessEnv) =>
  readFlags(FLAGS, ServeOptions, argv, env);
