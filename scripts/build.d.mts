/** Whether dist/ in `root` is missing or older than a source, a JSON fixture or a config. */
export function isStale(root?: string): boolean;

/** Builds dist/ from scratch; resolves to the exit status (tsc's when it fails). */
export function build(): Promise<number>;
/** Builds dist/ if a source is newer than the last build, saying so first; else resolves to 0. */
export function buildIfStale(): Promise<number>;
/** Runs `work` holding the build's lock (`dist.lock` in `root`), waiting while another process holds it. */
export function withBuildLock<T>(
  work: () => T | Promise<T>,
  options?: { root?: string; pollMs?: number; say?: (line: string) => void },
): Promise<T>;
/** Writes dist/.built in `root`, dated `startedMs`: sources saved after that count as newer. */
export function stampBuild(startedMs: number, root?: string): void;
/** The Node flags `npm start` runs with, as package.json's `start` script gives them. */
export function startFlags(): string[];
