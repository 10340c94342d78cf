/** `image2-kit/contract`: the API's schemas and types, its route table, and a typed client. */
export {
  type ClientOptions,
  createImage2Client,
  type Result,
  type WaitOptions,
} from "./client.js";
export { BASE_PATH, PRODUCTION_BASE_URL, type RouteDefinition, routes } from "./routes.js";
export {
  CompletedResult,
  CreateImageRequest,
  type CreateImageRequestInput,
  CreateImageResponse,
  FailedResult,
  MODEL_LIMITS,
  Model,
  Quality,
  Ratio,
  Resolution,
  Size,
  TaskResult,
  TaskStatus,
} from "./schemas.js";
