/**
 * Runs a command against a server started for it, then stops the server:
 *
 *   tsx scripts/with-server.ts <server command…> -- <command…>
 *
 * The server must print `… listening on <url>`; the command gets that URL as SERVER_URL. Exits with
 * the command's status, or 1 when the server does not start, or does not stop cleanly on SIGTERM.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { runProcess } from "./process.js";

const USAGE = "usage: tsx scripts/with-server.ts <server command…> -- <command…>";
const START_TIMEOUT_MS = 30_000;

async function main(argv: string[]): Promise<number> {
  const split = argv.indexOf("--");
  const serverArgs = argv.slice(0, split);
  const [server, ...serverRest] = serverArgs;
  const [command, ...commandRest] = argv.slice(split + 1);
  if (split < 0 || server === undefined || command === undefined) {
    console.error(USAGE);
    return 2;
  }
  const running = runProcess(server, serverRest, {
    env: { ...(process.env as Record<string, string>) },
    group: true,
    stderr: "inherit",
  });
  const timeout = setTimeout(() => void running.stop("SIGKILL"), START_TIMEOUT_MS);
  let url: string;
  try {
    url = await running.listening;
  } catch (error) {
    console.error(`with-server: ${(error as Error).message}`);
    return 1;
  } finally {
    clearTimeout(timeout);
  }
  console.error(`with-server: ${serverArgs.join(" ")} listening on ${url}`);
  const child = spawn(command, commandRest, {
    stdio: "inherit",
    env: { ...process.env, SERVER_URL: url },
  });
  const [code] = (await once(child, "exit")) as [number | null];
  const serverCode = await running.stop("SIGTERM");
  if (serverCode !== 0) {
    console.error(`with-server: the server exited with ${serverCode} on SIGTERM, not cleanly`);
    return code || 1;
  }
  return code ?? 1;
}

process.exitCode = await main(process.argv.slice(2));
