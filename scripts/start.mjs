// `npm start`: rebuilds dist/ first when a source is newer than the last build, then runs the
// package's executable in this same process, so a start costs one Node start, not two (a second
// process only to check the build took about as long as the fake takes to start).
// Plain JavaScript on purpose, as build.mjs: it runs before anything is compiled.
import { buildIfStale, isStale } from "./build.mjs";

if (isStale()) {
  const code = await buildIfStale();
  if (code !== 0) process.exit(code);
}
// Named at run time: dist/ may not exist until the build above has run.
await import(new URL("../dist/server/bin.js", import.meta.url).href);
