/** The package's version, from its own package.json (found by name, wherever it is installed). */
import { createRequire } from "node:module";

/**
 * image2-kit's version, as `--version` prints it.
 *
 * @example PACKAGE_VERSION // "0.1.0"
 */
export const PACKAGE_VERSION: string = (
  createRequire(import.meta.url)("image2-kit/package.json") as { version: string }
).version;
