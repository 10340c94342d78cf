/**
 * What the fake's start loads: the modules the CLI's entry reaches by static imports, which the
 * bundle (and Node, for the library) evaluates before the first request. What a client of the API
 * never needs is reached by `import()` only, and evaluated at its first use (README, Start-up).
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

// `import type …` and `import { type A, type B } …` load nothing; neither does a comment.
const STATIC = /^\s*(?:import|export)\s+(?!type\s)([^;]*?)\s*from\s*["']([^"']+)["']/gm;
const BARE = /^\s*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

function onlyTypes(clause: string): boolean {
  const names = /^\{([\s\S]*)\}$/.exec(clause.trim())?.[1];
  if (names === undefined) return false;
  const each = names
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  return each.length > 0 && each.every((name) => name.startsWith("type "));
}

/** The project's TypeScript sources a file imports, statically and by `import()`. */
function importsOf(file: string): { statics: string[]; dynamics: string[] } {
  const text = readFileSync(join(ROOT, file), "utf8");
  const local = (specifier: string) =>
    specifier.startsWith(".") && specifier.endsWith(".js")
      ? [relative(ROOT, join(ROOT, dirname(file), specifier)).replace(/\.js$/, ".ts")]
      : [];
  const statics = [
    ...[...text.matchAll(STATIC)].filter(([, clause = ""]) => !onlyTypes(clause)).map((m) => m[2]),
    ...[...text.matchAll(BARE)].map((m) => m[1]),
  ];
  return {
    statics: statics.flatMap((specifier) => local(specifier ?? "")),
    dynamics: [...text.matchAll(DYNAMIC)].flatMap((m) => local(m[1] ?? "")),
  };
}

function reachableFrom(entry: string, { dynamic }: { dynamic: boolean }): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const { statics, dynamics } = importsOf(file);
    for (const next of dynamic ? [...statics, ...dynamics] : statics) visit(next);
  };
  visit(entry);
  return seen;
}

const LATER = [
  "server/http/control-routes.ts",
  "server/http/control-table.ts",
  "server/http/control-schemas.ts",
  "server/http/control-openapi.ts",
  "contract/openapi.ts",
  "server/proxy/start-proxy.ts",
  "server/proxy-flags.ts",
];

describe("the start path", () => {
  it("leaves the control API, the OpenAPI builder and the proxy to their first use", () => {
    const atStart = reachableFrom("server/cli-main.ts", { dynamic: false });
    expect(atStart).toContain("server/http/api-routes.ts");
    expect(LATER.filter((file) => atStart.has(file))).toEqual([]);
  });

  it("still reaches each of them, by import() (the walk sees what it leaves out)", () => {
    const ever = reachableFrom("server/cli-main.ts", { dynamic: true });
    expect(LATER.filter((file) => !ever.has(file))).toEqual([]);
  });

  it("counts a value import as loading its module, and a type-only one as not", () => {
    expect(onlyTypes("{ type A, type B }")).toBe(true);
    expect(onlyTypes("{ type A, b }")).toBe(false);
    expect(onlyTypes("* as z")).toBe(false);
    expect(importsOf("server/http/app.ts").statics).toContain("server/http/api-layer.ts");
    expect(importsOf("server/http/app.ts").statics).not.toContain("server/http/fake-env.ts");
  });
});
