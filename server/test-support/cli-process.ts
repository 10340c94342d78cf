import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { type RunningProcess, runProcess } from "../../scripts/process.js";

// The built executable, as `npm start` and the package's bin run it (`npm test` builds first).
const CLI = fileURLToPath(new URL("../../dist/server/bin.js", import.meta.url));
const running: RunningProcess[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => child.stop("SIGKILL")));
});

/** Runs the built CLI as a child process; killed after each test if still running. */
export function runCli(args: string[], env: Record<string, string> = {}): RunningProcess {
  const child = runProcess(process.execPath, [CLI, ...args], { env });
  running.push(child);
  return child;
}
