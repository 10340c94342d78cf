/** Reading `Retry-After` (RFC 9110): the fake's grades and the typed client honour the same waits. */

// RFC 9110's preferred HTTP-date form; the obsolete ones are not worth a parser here.
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * The wait a `Retry-After` header asks for, in ms: whole seconds, or a date taken against `now`;
 * undefined when the header is missing or unreadable.
 *
 * @example parseRetryAfter("2", Date.now()) // 2000
 */
export function parseRetryAfter(
  header: string | null | undefined,
  now: number,
): number | undefined {
  const text = header?.trim();
  if (text === undefined) return undefined;
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  if (!IMF_FIXDATE.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
