/**
 * `npm run openapi`: writes openapi.yaml and openapi.json from the route table.
 * `npm run openapi -- --check`: writes nothing, exits 1 when either committed file is stale.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildOpenApiDocument, renderOpenApiJson, renderOpenApiYaml } from "./openapi.js";

const USAGE = `Usage: npm run openapi [-- --check]

Writes openapi.yaml and openapi.json, generated from the zod schemas and the route table in contract/.

  --check   write nothing; exit 1 if either file differs from what would be generated
  --help    show this text`;

async function main(): Promise<number> {
  let flags: { check?: boolean; help?: boolean };
  try {
    flags = parseArgs({
      options: { check: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const document = buildOpenApiDocument();
  const files = [
    { name: "openapi.yaml", text: renderOpenApiYaml(document) },
    { name: "openapi.json", text: renderOpenApiJson(document) },
  ];
  if (flags.check) {
    let stale = 0;
    for (const { name, text } of files) {
      const committed = await readFile(new URL(`../${name}`, import.meta.url), "utf8").catch(
        () => undefined,
      );
      if (committed === text) continue;
      stale += 1;
      console.error(`${name} is ${committed === undefined ? "missing" : "stale"}.`);
    }
    if (stale === 0) {
      console.log("openapi.yaml and openapi.json are up to date.");
      return 0;
    }
    console.error("Run `npm run openapi` and commit the result.");
    return 1;
  }
  for (const { name, text } of files) {
    const path = fileURLToPath(new URL(`../${name}`, import.meta.url));
    await writeFile(path, text);
    console.log(`Wrote ${path}.`);
  }
  return 0;
}

process.exitCode = await main();
