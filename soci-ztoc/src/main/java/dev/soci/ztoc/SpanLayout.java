package dev.soci.ztoc;

/**
 * How a layer is cut into spans (FORMATS.md 1.3 and 1.4): decoded once from the zTOC's zinfo by
 * {@link ZtocView}, which asks it every span question, so that the gzip and tar rules each live
 * in one implementation instead of a branch per accessor. Indexes are checked by the caller.
 */
sealed interface SpanLayout permits GzipSpans, TarSpans {
  /** Number of spans. */
  int count();

  /** The span size requested at build time, as recorded in the zinfo. */
  long spanSize();

  /** First compressed byte of span {@code i}. */
  long compressedStart(int i);

  /** End (exclusive) of span {@code i}'s compressed bytes. */
  long compressedEnd(int i);

  /** First uncompressed byte of span {@code i}. */
  long uncompressedStart(int i);

  /** End (exclusive) of span {@code i}'s uncompressed bytes. */
  long uncompressedEnd(int i);

  /** Uncompressed start of every span, ascending, in a new array. */
  long[] starts();

  /** The span holding uncompressed offset {@code offset}: the last whose start is {@code <=} it. */
  int holding(long offset);
}
