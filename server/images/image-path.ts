/**
 * Where a task's image is served: `/images/<task id>.png`. The one module that builds, parses and
 * matches that path, for the image route, `image_url`, fault rules and the inspector page.
 */

const PREFIX = "/images/";
const SUFFIX = ".png";

/** The image route's path pattern, in Hono's syntax. */
export const IMAGE_ROUTE = `${PREFIX}:file`;

/** Matches any path the image route serves (a task id or not), for fault rules. */
export const IMAGE_PATH_PATTERN = /^\/images\/[^/]+$/;

/**
 * The path of a task's image.
 *
 * @example imagePath("image_…") // "/images/image_….png"
 */
export const imagePath = (taskId: string) => `${PREFIX}${taskId}${SUFFIX}`;

/**
 * The task id an image route's `:file` names, or undefined when it names no PNG.
 *
 * @example taskIdOfImageFile("image_….png") // "image_…"
 */
export const taskIdOfImageFile = (file: string): string | undefined =>
  file.endsWith(SUFFIX) ? file.slice(0, -SUFFIX.length) : undefined;
