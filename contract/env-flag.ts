/**
 * How an environment variable turns a switch on or off. The fake's CLI and the contract suite read
 * their switches the same way, and refuse anything else: `CONTRACT_STRICT=2` or
 * `FAKE_NO_CONTROL=enabled` read as off would silently do the opposite of what was meant.
 */

const ON = /^(1|true|yes|on)$/i;
const OFF = /^(0|false|no|off|)$/i;

/** What a switch's variable may hold, for error messages. */
export const FLAG_RULE =
  "must be 1, true, yes or on to turn it on, or 0, false, no, off or empty to leave it off";

/**
 * A switch's variable read: on, off (also when unset), or not a switch value at all.
 *
 * @example readEnvFlag(process.env.CONTRACT_STRICT) // { ok: true, value: false } when unset
 */
export function readEnvFlag(
  value: string | undefined,
): { ok: true; value: boolean } | { ok: false; message: string } {
  if (value === undefined || OFF.test(value.trim())) return { ok: true, value: false };
  if (ON.test(value.trim())) return { ok: true, value: true };
  return { ok: false, message: FLAG_RULE };
}
