/**
 * Where the control API lives. Apart from its table so that what the start path needs (the app's
 * mount, the pages' links) loads none of the control API's schemas: they wait for its first request.
 */

/** Where the control API is mounted; never part of the provider's API. */
export const CONTROL_PREFIX = "/__fake";

/** The control API's own OpenAPI document, under the prefix. */
export const CONTROL_DOCUMENT_PATH = "/openapi.json";
