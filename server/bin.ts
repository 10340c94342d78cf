#!/usr/bin/env node
/**
 * The package's executable. It checks the Node version first and only then loads the CLI: on an
 * older Node, importing the fake would fail with a cryptic missing-export error instead. The CLI
 * is a bundle (scripts/build.mjs), named by URL so that tsc does not compile its sources again.
 */
import { nodeVersionProblem } from "./node-version.js";

const problem = nodeVersionProblem(process.versions.node);
if (problem === undefined) {
  await import(new URL("./cli.js", import.meta.url).href);
} else {
  console.error(problem);
  process.exitCode = 1;
}
