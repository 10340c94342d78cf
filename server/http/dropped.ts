/** Marks the in-process stand-in for a cut connection, so the fake's fetch can reject like a real one. */
export const DROPPED_HEADER = "x-image2-kit-dropped";
