/**
 * Where a task's image is served: `/images/<image name>.png`, the name being the task's facts
 * sealed with no owner (task-id.ts), so the URL never reveals the id its owner polls. The one
 * module that builds, parses and matches that path, for the image route, `image_url`, fault rules
 * and the inspector page.
 */

const PREFIX = "/images/";
const SUFFIX = ".png";

/** The image route's path pattern, in Hono's syntax. */
export const IMAGE_ROUTE = `${PREFIX}:file`;

/** Matches any path the image route serves (an image name or not), for fault rules. */
export const IMAGE_PATH_PATTERN = /^\/images\/[^/]+$/;

/**
 * The path of a task's image.
 *
 * @example imagePath("5f0c…") // "/images/5f0c….png"
 */
export const imagePath = (imageName: string) => `${PREFIX}${imageName}${SUFFIX}`;

/**
 * The image name an image route's `:file` names, or undefined when it names no PNG.
 *
 * @example imageNameOfFile("5f0c….png") // "5f0c…"
 */
export const imageNameOfFile = (file: string): string | undefined =>
  file.endsWith(SUFFIX) ? file.slice(0, -SUFFIX.length) : undefined;
