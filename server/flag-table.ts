/**
 * A command's flags as one table that drives parsing, the environment variables and `--help`, so
 * the help cannot lie: `serve` (serve-flags.ts) and `proxy` (proxy-flags.ts) are each a table.
 */
import { parseArgs } from "node:util";
import type { z } from "zod";
import { readEnvFlag } from "../contract/env-flag.js";
import { PARSED_ONCE } from "../contract/parsed-once.js";

/** One flag: its name, its environment variable, the option it sets and its help line. */
export interface Flag<Option extends string = string> {
  readonly name: string;
  readonly env: string;
  /** The option it sets; a boolean flag named `no-…` sets it false, any other true. */
  readonly option: Option;
  readonly kind: "string" | "boolean" | "list";
  readonly value?: string;
  readonly help: string;
  /** Its value is never printed, not even in an error about it. */
  readonly secret?: true;
  /** The value the CLI uses when neither the flag nor its variable is given, where it differs from code's. */
  readonly cliDefault?: string;
}

/** A flag, variable or command the CLI cannot use; it exits 2 with the message. */
export class UsageError extends Error {}

/**
 * The help lines of a table: each flag, what it takes, its help and its variable.
 *
 * @example flagHelp(FLAGS) // "  --port N                 port to listen on; … [PORT]\n…"
 */
export const flagHelp = (flags: readonly Flag[]) =>
  flags
    .map((flag) => {
      const name = `--${flag.name}${flag.value ? ` ${flag.value}` : ""}`;
      return `  ${name.padEnd(24)} ${flag.help} [${flag.env}]`;
    })
    .join("\n");

/**
 * The options a table's flags, then its environment variables, give (a flag wins), checked with
 * the command's schema: the raw values when they pass, a UsageError with one line per problem
 * naming the flag or variable as the user wrote it otherwise.
 *
 * @example readFlags(FLAGS, ServeOptions, ["--port", "0"], process.env) // { port: "0" }
 */
export function readFlags<S extends z.ZodType<unknown, Record<string, unknown>>>(
  flags: readonly Flag<Extract<keyof z.input<S>, string>>[],
  schema: S,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): z.input<S> {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        flags.map((flag) => [
          flag.name,
          { type: flag.kind === "boolean" ? "boolean" : "string", multiple: flag.kind === "list" },
        ]),
      ),
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const raw: Record<string, unknown> = {};
  // Where each value came from, so a message names what the user actually typed or set.
  const fromEnvironment = new Set<string>();
  for (const flag of flags) {
    const fromFlag = values[flag.name];
    const fromEnv = env[flag.env];
    if (flag.kind === "boolean") {
      const fromEnvFlag = readEnvFlag(fromEnv);
      if (!fromEnvFlag.ok) {
        throw new UsageError(`${flag.env} ${fromEnvFlag.message} (got "${fromEnv}")`);
      }
      const on = fromFlag === true || fromEnvFlag.value;
      if (on) raw[flag.option] = !flag.name.startsWith("no-");
    } else if (flag.kind === "list") {
      const list = Array.isArray(fromFlag)
        ? fromFlag.map(String)
        : fromEnv?.split(",").map((item) => item.trim());
      if (list) raw[flag.option] = list;
      if (!Array.isArray(fromFlag) && list) fromEnvironment.add(flag.option);
    } else if (fromFlag !== undefined || fromEnv !== undefined) {
      raw[flag.option] = fromFlag ?? fromEnv;
      if (fromFlag === undefined) fromEnvironment.add(flag.option);
    } else if (flag.cliDefault !== undefined) {
      raw[flag.option] = flag.cliDefault;
    }
  }
  const parsed = schema.safeParse(raw, PARSED_ONCE);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const [option, index] = issue.path;
      const flag = flags.find((candidate) => candidate.option === option);
      if (!flag) return `${issue.path.join(".")} ${issue.message}`;
      const name = fromEnvironment.has(flag.option) ? flag.env : `--${flag.name}`;
      const value = raw[flag.option];
      const got = typeof index === "number" && Array.isArray(value) ? value[index] : value;
      const item = typeof index === "number" ? ` (item ${index + 1})` : "";
      const shown = flag.secret || got === undefined ? "" : ` (got ${JSON.stringify(got)})`;
      return `${name}${item} ${issue.message}${shown}`;
    });
    throw new UsageError(lines.join("\n"));
  }
  // The raw strings, not the parsed values: the command parses them once more, with the same schema.
  return raw as z.input<S>;
}
