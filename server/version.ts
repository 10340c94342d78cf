/** The package's version, from its own package.json (found by name, wherever it is installed). */
import { createRequire } from "node:module";
import { onFirstUse } from "../contract/on-first-use.js";

/**
 * image2-kit's version, as `--version` prints it. Read on first use: finding the package by name
 * costs a few milliseconds the fake's start does not need.
 *
 * @example packageVersion() // "0.1.0"
 */
export const packageVersion = onFirstUse(
  () => (createRequire(import.meta.url)("image2-kit/package.json") as { version: string }).version,
);
