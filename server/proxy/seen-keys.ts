/**
 * The credentials a client sent through the proxy, so nothing the proxy writes (a log line, the
 * report, a recording) carries one in any encoding. The proxy cannot know a key before the client
 * sends it: each new one joins the redactor, and everything derived from an exchange is redacted
 * with a redactor that knows that exchange's key.
 */
import { createRedactor, type Redactor } from "../../contract/redact.js";

/** Headers whose whole value is a credential. */
export const CREDENTIAL_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "api-key",
]);

/** Keys remembered at once; an older one has already been redacted from all that holds it. */
const KEYS_KEPT = 16;

/** The secret parts of a credential header's value: all of it, and the part after its scheme. */
function secretsOf(value: string): string[] {
  const credentials = /^\s*[A-Za-z][\w-]*\s+(.+?)\s*$/.exec(value)?.[1];
  return credentials ? [value.trim(), credentials] : [value.trim()];
}

/**
 * The secrets seen so far and a redactor for them.
 *
 * @example const redactor = keys.note(exchange.requestHeaders); log(redactor.text(line));
 */
export class SeenKeys {
  readonly #secrets = new Map<string, true>();
  #redactor: Redactor = createRedactor([]);

  /** Takes in a request's credentials; answers a redactor that covers them and those before. */
  note(headers: Readonly<Record<string, string>>): Redactor {
    let added = false;
    for (const [name, value] of Object.entries(headers)) {
      if (!CREDENTIAL_HEADERS.has(name) || value.trim() === "") continue;
      for (const secret of secretsOf(value)) {
        if (this.#secrets.has(secret)) {
          // Most recently seen last, so the oldest is the one let go.
          this.#secrets.delete(secret);
        } else {
          added = true;
        }
        this.#secrets.set(secret, true);
      }
    }
    while (this.#secrets.size > KEYS_KEPT) {
      const [oldest] = this.#secrets.keys();
      if (oldest === undefined) break;
      this.#secrets.delete(oldest);
      added = true;
    }
    if (added) this.#redactor = createRedactor([...this.#secrets.keys()]);
    return this.#redactor;
  }

  /** The redactor for every secret remembered. */
  get redactor(): Redactor {
    return this.#redactor;
  }
}

/**
 * The bearer key of a request, when its Authorization header is `Bearer <key>`.
 *
 * @example bearerKeyOf({ authorization: "Bearer sk-1" }) // "sk-1"
 */
export const bearerKeyOf = (headers: Readonly<Record<string, string>>) =>
  /^Bearer +(\S+)\s*$/i.exec(headers.authorization ?? "")?.[1];
