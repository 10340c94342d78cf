/** Whether dist/ in `root` is missing or older than a source, a JSON fixture or a config. */
export function isStale(root?: string): boolean;
