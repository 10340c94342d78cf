/** Whether dist/ in `root` is missing or older than a source, a JSON fixture or a config. */
export function isStale(root?: string): boolean;

/** Builds dist/ from scratch; resolves to the exit status (tsc's when it fails). */
export function build(): Promise<number>;
/** The Node flags `npm start` runs with, as package.json's `start` script gives them. */
export function startFlags(): string[];
