/**
 * Preloaded with `node --import`, makes this Node look like 20.11, which has neither crypto.hash
 * nor zlib.crc32: a module that imports either by name fails to link, as it would there.
 */

import crypto from "node:crypto";
import { register } from "node:module";
import zlib from "node:zlib";

const without = (name, mod, missing) => {
  const names = Object.keys(mod).filter((key) => key !== missing && /^[A-Za-z_$][\w$]*$/.test(key));
  const source = `const m = process.getBuiltinModule(${JSON.stringify(name)});\nexport default m;\n${names.map((key) => `export const ${key} = m.${key};`).join("\n")}`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
};
const replaced = {
  "node:crypto": without("crypto", crypto, "hash"),
  "node:zlib": without("zlib", zlib, "crc32"),
};
const hooks = `const replaced = ${JSON.stringify(replaced)};
export async function resolve(specifier, context, next) {
  const key = specifier.startsWith("node:") ? specifier : "node:" + specifier;
  if (replaced[key] && !context.parentURL?.startsWith("data:")) return { url: replaced[key], shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
Object.defineProperty(process.versions, "node", { value: "20.11.1" });
