/**
 * The flags of `image2-kit proxy`: one table drives parsing, the environment variables and
 * `--help`, as for `serve`.
 */
import type { z } from "zod";
import { type Flag, flagHelp, readFlags } from "./flag-table.js";
import { DEFAULT_PROXY_PORT, ProxyOptions } from "./proxy/proxy-options.js";

/** Every flag of `proxy`, with its variable, the option it sets and its help line. */
export const PROXY_FLAGS: readonly Flag<keyof z.input<typeof ProxyOptions>>[] = [
  {
    name: "target",
    env: "PROXY_TARGET",
    option: "target",
    kind: "string",
    value: "ORIGIN",
    help: "where every request goes, e.g. https://zcbservice.aizfw.cn (required; no path: paths are forwarded as they arrive)",
  },
  {
    name: "port",
    env: "PROXY_PORT",
    option: "port",
    kind: "string",
    value: "N",
    help: `port to listen on; 0 picks a free one (default ${DEFAULT_PROXY_PORT})`,
  },
  {
    name: "host",
    env: "PROXY_HOST",
    option: "host",
    kind: "string",
    value: "HOST",
    help: "address to listen on (default 127.0.0.1)",
  },
  {
    name: "report",
    env: "PROXY_REPORT",
    option: "report",
    kind: "string",
    value: "PATH",
    help: "on SIGINT or SIGTERM, writes PATH.json and PATH.md (default: none; GET /__proxy/report answers it while running)",
  },
  {
    name: "record",
    env: "PROXY_RECORD_DIR",
    option: "recordDir",
    kind: "string",
    value: "DIR",
    help: "writes each exchange there as the contract suite records them, keys redacted, for npm run fixtures:import (default: none)",
  },
  {
    name: "timeout-ms",
    env: "PROXY_TIMEOUT_MS",
    option: "timeoutMs",
    kind: "string",
    value: "MS",
    help: "how long the target may take to start answering (then 504), and the longest pause inside an answer (default 30000)",
  },
];

export const PROXY_USAGE = `Usage: image2-kit proxy --target ORIGIN [flags]

Forwards a client's requests to ORIGIN unchanged (method, path, query, body, and headers but Host,
which names ORIGIN, and the hop-by-hop ones; the Authorization header passes through and is never
written anywhere) and returns ORIGIN's answers unchanged but for the hop-by-hop headers (and a
Date when ORIGIN sent none). Each exchange is checked against the
documented rules of the GPT Image 2 task API: a rule broken by the client or by the target is
printed on stderr at once, a difference from what the fake assumes is counted as drift, and the
client's polling is graded per key. GET /__proxy/report answers the report as JSON.

Flags (each also read from the environment variable in brackets; a flag wins):
${flagHelp(PROXY_FLAGS)}
  --help, -h               shows this text

A target that cannot be reached gives the client a 502, one that does not answer within
--timeout-ms a 504, each with a JSON object body. The first line on stdout is
"image2-kit proxy listening on http://HOST:PORT".
Exit status: 0 after a clean stop (SIGINT or SIGTERM) with no documented rule broken, 1 when a
documented rule was broken or it cannot listen, 2 for invalid flags.`;

/** The options of `proxy` from its flags, then its environment variables; a UsageError per problem. */
export const readProxyOptions = (argv: readonly string[], env: NodeJS.ProcessEnv) =>
  readFlags(PROXY_FLAGS, ProxyOptions, argv, env);
