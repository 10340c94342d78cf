// Run by build.mjs in a process of its own, after the CLI is bundled: starts the bundled fake as
// `image2-kit serve` does, sends it what a test's first requests are (a create, its poll, a request
// it refuses), stops it as Ctrl-C would, and writes V8's compiled code for all that ran beside the
// bundle. The CLI loads it at start (server/node/bundle-loader.ts). Exits non-zero when it could not.
// Usage: node scripts/code-cache.mjs [bundle], dist/server/cli-main.cjs by default.
// Plain JavaScript on purpose, as build.mjs.
import { pathToFileURL } from "node:url";
import { loadBundle } from "../dist/server/node/bundle-loader.js";

const BUNDLE = process.argv[2]
  ? pathToFileURL(process.argv[2])
  : new URL("../dist/server/cli-main.cjs", import.meta.url);

async function warm() {
  const cli = loadBundle(BUNDLE, { useCache: false });

  // The fake prints its URL, then a line per request: kept here, not shown during a build.
  let printed = "";
  let onListening;
  const listening = new Promise((resolve) => {
    onListening = resolve;
  });
  process.stdout.write = (chunk) => {
    printed += String(chunk);
    const line = /listening on (\S+)/.exec(printed);
    if (line) onListening(line[1]);
    return true;
  };
  // None of the caller's settings (HOST, PORT, FAKE_*): a loopback fake with the defaults, always.
  const exited = cli.exports.runCli(["serve", "--host", "127.0.0.1", "--port", "0"], {});
  const url = await Promise.race([
    listening,
    exited.then(() => {
      throw new Error("the fake stopped before it listened");
    }),
  ]);

  const api = `${url}/v1/image2/images`;
  const headers = { authorization: "Bearer code-cache", "content-type": "application/json" };
  const created = await fetch(api, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "gpt-image-2", prompt: "A lighthouse at dusk" }),
  });
  const { id } = await created.json();
  await (await fetch(`${url}/v1/result/${id}`, { headers })).text();
  await (await fetch(api, { method: "POST", headers, body: "{}" })).text();

  process.kill(process.pid, "SIGINT");
  if ((await exited) !== 0) throw new Error("the fake did not stop cleanly");
  cli.saveCodeCache();
}

// One line, not a stack trace through minified code: the build goes on without a cache.
await warm().catch((error) => {
  console.error(`code cache: ${String(error?.message ?? error).split("\n")[0]}`);
  process.exitCode = 1;
});
