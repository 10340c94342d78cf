/**
 * Stopping a node:http server without losing a request it has received. `server.close()` alone
 * stops accepting but keeps serving every keep-alive connection until its client lets go, and
 * never closes a connection that has not sent a request yet; cutting everything loses the
 * requests in flight. A drain answers every request received, says `Connection: close` on each
 * connection's last answer, and closes each connection as soon as it has nothing in flight.
 */
import {
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  ServerResponse,
} from "node:http";
import { Socket } from "node:net";

/** What Node hands a response class besides the request: @types/node leaves it out. */
interface ResponseOptions {
  readonly highWaterMark?: number;
  readonly rejectNonStandardBodyWrites?: boolean;
}

/** ServerResponse as Node constructs it: with its options. */
const NodeServerResponse = ServerResponse as typeof ServerResponse<IncomingMessage> &
  (new (
    req: IncomingMessage,
    options?: ResponseOptions,
  ) => ServerResponse<IncomingMessage>);

/** A connection's requests received and not yet answered, and the answer to the last received. */
interface InFlight {
  count: number;
  latest: ServerResponse | undefined;
}

/** How a drain closes a connection whose client is still sending (see #lingerOnClose). */
export interface LingerOptions {
  /** How long such a connection goes on reading before it is cut. */
  readonly lingerMs?: number;
  /** How many may linger at once; beyond them a connection closes at once, as Node closes it. */
  readonly maxLingering?: number;
}

export class ConnectionDrain {
  #draining = false;
  readonly #inFlight = new Map<Socket, InFlight>();
  readonly #lingerMs: number;
  readonly #maxLingering: number;
  #lingering = 0;

  /** The response class to create the server with: it closes connections while draining. */
  readonly ServerResponse: typeof ServerResponse<IncomingMessage>;

  constructor({ lingerMs = 2_000, maxLingering = 4 }: LingerOptions = {}) {
    this.#lingerMs = lingerMs;
    this.#maxLingering = maxLingering;
    const drain = this;
    this.ServerResponse = class DrainingResponse extends NodeServerResponse {
      // Node passes options its types do not list (a highWaterMark), handed on as they are. Named
      // parameters, not rest ones: a rest array and a spread call would be paid on every answer.
      constructor(req: IncomingMessage, options?: ResponseOptions) {
        super(req, options);
        drain.#received(req.socket, this);
      }

      // Written without rest parameters: this runs on every answer, and a rest array is built each time.
      override writeHead(statusCode: number, second?: unknown, third?: unknown): this {
        // The last answer on its connection says so, so the client opens no further request on it:
        // the answer to the last request received, which pipelined answers before it precede.
        if (drain.#draining && drain.#inFlight.get(this.req.socket)?.latest === this) {
          // A raw header list (the proxy's) takes it in the list: setHeader would turn the list
          // into single headers, folding repeated ones (two Set-Cookie) into the last.
          if (Array.isArray(second)) second = [...second, "Connection", "close"];
          else if (Array.isArray(third)) third = [...third, "Connection", "close"];
          else this.setHeader("Connection", "close");
        }
        return super.writeHead(statusCode, second as string, third as OutgoingHttpHeaders);
      }

      // Node detaches the connection from an answer once it is sent: a method, where a listener
      // on each answer's 'close' would be a closure and a listener per request.
      override detachSocket(socket: Socket): void {
        super.detachSocket(socket);
        if (!this.req.complete) drain.#lingerOnClose(socket, this.req);
        drain.#answered(socket);
      }
    };
  }

  /** Follows the server's connections; call once, right after creating it. */
  attach(server: Server): void {
    server.on("connection", (socket: Socket) => {
      this.#inFlight.set(socket, { count: 0, latest: undefined });
      socket.once("close", () => this.#inFlight.delete(socket));
    });
  }

  /** Whether close() has begun. */
  get draining(): boolean {
    return this.#draining;
  }

  /**
   * Stops accepting, answers every request already received, closes each connection once it is
   * idle, and resolves when none is left; after `graceMs` the stragglers are cut.
   */
  close(server: Server, graceMs: number): Promise<void> {
    this.#draining = true;
    const closed = new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
    for (const [socket, { count }] of this.#inFlight) if (count === 0) socket.destroy();
    const force = setTimeout(() => {
      for (const socket of this.#inFlight.keys()) socket.destroy();
    }, graceMs);
    force.unref();
    return closed.finally(() => clearTimeout(force));
  }

  /**
   * Makes the close of a connection whose last answer went out before its request's body had
   * arrived (a 413 for a body over 1 MiB) a lingering one. Node would close at once with the
   * client's bytes unread, which makes the kernel reset the connection, and a client still sending
   * then loses the answer it has not read yet. Lingering, the connection sends its end after the
   * answer, reads and drops what the client still sends, and closes when the client has stopped or
   * after `lingerMs`. At most `maxLingering` linger at once, so that a flood of uploads cannot keep
   * the fake reading for them. Node calls `destroySoon` to close a connection after its last
   * answer; it is replaced on this socket alone.
   */
  #lingerOnClose(socket: Socket, request: IncomingMessage): void {
    const drain = this;
    socket.destroySoon = function lingeringClose(this: Socket) {
      // Once: the adapter calls it again when its own drain of an unread body gives up.
      this.destroySoon = () => undefined;
      if (drain.#lingering >= drain.#maxLingering) {
        Socket.prototype.destroySoon.call(this);
        return;
      }
      drain.#lingering += 1;
      const cut = setTimeout(() => this.destroy(), drain.#lingerMs);
      cut.unref();
      this.once("close", () => {
        clearTimeout(cut);
        drain.#lingering -= 1;
      }).once("end", () => this.destroy());
      this.end();
      // What still arrives is dropped, even where a reader of the body (the adapter's) stopped
      // reading it: a paused request would hold the connection, unread, until cut.
      request.removeAllListeners("data").resume();
      this.resume();
    };
  }

  #received(socket: Socket, res: ServerResponse): void {
    const inFlight = this.#inFlight.get(socket);
    if (inFlight === undefined) return;
    inFlight.count += 1;
    inFlight.latest = res;
  }

  // A connection that closes before its answer is sent leaves #inFlight on its own 'close'.
  #answered(socket: Socket): void {
    const inFlight = this.#inFlight.get(socket);
    if (inFlight === undefined) return;
    inFlight.count -= 1;
    if (inFlight.count > 0) return;
    // An idle connection holds on to no answer.
    inFlight.latest = undefined;
    if (this.#draining) socket.destroySoon();
  }
}
