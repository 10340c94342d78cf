/**
 * `npm run openapi`: writes openapi.yaml from the route table.
 * `npm run openapi -- --check`: exits 1 when the committed openapi.yaml is stale.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { renderOpenApiYaml } from "./openapi.js";

const OPENAPI_FILE = fileURLToPath(new URL("../openapi.yaml", import.meta.url));
const USAGE = `Usage: npm run openapi [-- --check]

Writes openapi.yaml, generated from the zod schemas and the route table in contract/.

  --check   write nothing; exit 1 if openapi.yaml differs from what would be generated
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
  const generated = renderOpenApiYaml();
  if (flags.check) {
    const committed = await readFile(OPENAPI_FILE, "utf8").catch(() => "");
    if (committed === generated) {
      console.log("openapi.yaml is up to date.");
      return 0;
    }
    console.error("openapi.yaml is stale: run `npm run openapi` and commit the result.");
    return 1;
  }
  await writeFile(OPENAPI_FILE, generated);
  console.log(`Wrote ${OPENAPI_FILE}.`);
  return 0;
}

process.exitCode = await main();
