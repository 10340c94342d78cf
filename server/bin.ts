#!/usr/bin/env node
/**
 * The package's executable. It checks the Node version first and only then loads the CLI: on an
 * older Node, importing the fake would fail with a cryptic missing-export error instead.
 */
import { nodeVersionProblem } from "./node-version.js";

const problem = nodeVersionProblem(process.versions.node);
if (problem === undefined) {
  await import("./cli.js");
} else {
  console.error(problem);
  process.exitCode = 1;
}
