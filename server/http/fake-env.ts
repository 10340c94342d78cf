import type { HttpBindings } from "@hono/node-server";
import type { TaskStatus } from "../../contract/schemas.js";

/** Hono's environment for the fake: Node bindings when served on a port, none in-process. */
export interface FakeEnv {
  Bindings: Partial<HttpBindings>;
  Variables: {
    route: string;
    keyId: string;
    taskId: string;
    taskStatus: TaskStatus;
    bodyHash: string;
    fault: string;
    dropped: boolean;
    aborted: boolean;
  };
}
