/**
 * An exchange through the proxy as a recording (contract/recording.ts), as the contract suite writes
 * them: the URL the target saw, the headers with every credential blanked, JSON bodies parsed, an
 * image as its format and pixel size (never its bytes), other text as it came, up to a limit.
 */
import { imageInfo } from "../../contract/image-size.js";
import { type Recording, recordedImage } from "../../contract/recording.js";
import { REDACTED } from "../../contract/redact.js";
import type { BodyTap } from "./body-tap.js";
import type { Exchange } from "./exchange.js";
import { CREDENTIAL_HEADERS } from "./seen-keys.js";

/** Text bodies beyond this are recorded by their size only. */
const TEXT_KEPT = 64 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Credential headers blanked, keeping a scheme (`Bearer [redacted]`) that says what was sent. */
function safeHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => {
      if (!CREDENTIAL_HEADERS.has(name) && name !== "set-cookie") return [name, value];
      const scheme = /^\s*([A-Za-z][\w-]*)\s+\S/.exec(value)?.[1];
      return [name, scheme && name.endsWith("authorization") ? `${scheme} ${REDACTED}` : REDACTED];
    }),
  );
}

function bodyOf(tap: BodyTap, contentType: string | undefined): unknown {
  if (tap.bytes === 0) return undefined;
  if (contentType?.toLowerCase().startsWith("image/")) {
    return recordedImage(contentType, tap.bytes, imageInfo(tap.kept()));
  }
  const described = `<${tap.bytes} bytes of ${contentType ?? "unknown type"}>`;
  if (tap.truncated || tap.bytes > TEXT_KEPT) return described;
  let text: string;
  try {
    text = utf8.decode(tap.kept());
  } catch {
    return described;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The recording of an answered exchange, without its number (the recorder gives it).
 *
 * @example recorder.record(recordingOf(exchange, "https://zcbservice.aizfw.cn", "create"), redactor);
 */
export function recordingOf(
  exchange: Exchange,
  origin: string,
  label: string,
): Omit<Recording, "seq"> {
  const response = exchange.response;
  const requestBody = bodyOf(exchange.requestBody, exchange.requestHeaders["content-type"]);
  return {
    label,
    request: {
      method: exchange.method,
      url: origin + exchange.path,
      // As the target got them: the proxy sends its own Host.
      headers: { ...safeHeaders(exchange.requestHeaders), host: new URL(origin).host },
      ...(requestBody !== undefined && { body: requestBody }),
    },
    response: {
      status: response?.status ?? 0,
      headers: safeHeaders(response?.headers ?? {}),
      body: response ? (bodyOf(response.body, response.headers["content-type"]) ?? "") : "",
    },
    durationMs: Math.round(exchange.durationMs),
    at: new Date(exchange.at).toISOString(),
  };
}
