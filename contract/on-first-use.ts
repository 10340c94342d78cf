/**
 * A value made on first use, then kept: for what start-up can skip (fixture checks, pages, the
 * package's version) and a request may need later.
 *
 * @example const version = onFirstUse(() => readVersion()); version(); // reads once
 */
export function onFirstUse<T>(make: () => T): () => T {
  let made: { readonly value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}
