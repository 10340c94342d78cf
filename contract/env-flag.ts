/**
 * Whether an environment variable turns a switch on: `1`, `true` or `yes`, in any case. The fake's
 * CLI and the contract suite read their switches the same way.
 *
 * @example isFlagOn(process.env.CONTRACT_STRICT)
 */
export const isFlagOn = (value: string | undefined): boolean =>
  value !== undefined && /^(1|true|yes)$/i.test(value);
