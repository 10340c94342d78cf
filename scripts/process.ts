/**
 * Running a server as a child process and waiting for the line that says it listens: the one helper
 * behind the CLI tests, the proofs, the benchmarks and the CI scripts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

/** The line both the fake and the benchmark's baseline print once they accept connections. */
export const LISTENING_LINE = /listening on (http:\/\/\S+)/;

export interface ProcessOptions {
  /** The child's whole environment; PATH is kept unless given. */
  readonly env?: Readonly<Record<string, string>>;
  /** Its own process group, so stop() also stops what it starts (npm start runs node under npm). */
  readonly group?: boolean;
  /** Where its stderr goes: captured (the default) or this process's own. */
  readonly stderr?: "capture" | "inherit";
}

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** The URL of its listening line; rejects if it exits first. */
  readonly listening: Promise<string>;
  /** What it has printed so far. */
  output(): { stdout: string; stderr: string };
  /** Sends a signal (to its group when it has one) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a command and follows its output.
 *
 * @example
 * const fake = runProcess(process.execPath, ["dist/server/cli.js", "serve", "--port", "0"]);
 * const url = await fake.listening; …; await fake.stop();
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: ProcessOptions = {},
): RunningProcess {
  const {
    env = { PATH: process.env.PATH ?? "" },
    group = false,
    stderr: errTo = "capture",
  } = options;
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", errTo === "capture" ? "pipe" : "inherit"],
    detached: group,
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const listening = new Promise<string>((resolve, reject) => {
    // Once found, stop looking: a fake that logs its requests prints on for as long as it runs.
    const look = () => {
      const url = LISTENING_LINE.exec(stdout)?.[1];
      if (url) {
        child.stdout?.off("data", look);
        resolve(url);
      }
    };
    child.stdout?.on("data", look);
    void exited.then((code) =>
      reject(new Error(`${command} exited with ${code} before listening:\n${stdout}${stderr}`)),
    );
  });
  // Only the callers that wait for it care whether it listened.
  listening.catch(() => undefined);
  return {
    child,
    exited,
    listening,
    output: () => ({ stdout, stderr }),
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        if (group) process.kill(-child.pid, signal);
        else child.kill(signal);
      }
      return exited;
    },
  };
}
