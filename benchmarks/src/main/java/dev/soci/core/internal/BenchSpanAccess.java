package dev.soci.core.internal;

import dev.soci.core.internal.EmptyBlockPrefix;
import dev.soci.core.internal.SpanDecompressor;

/**
 * Benchmark-only bridge to soci-core's package-private {@link EmptyBlockPrefix}, so that
 * {@code ReaderBenchmark}'s zlib baseline can start a plain {@link java.util.zip.Inflater} at a
 * checkpoint that lies inside a byte exactly as the library does, without going through
 * {@link SpanDecompressor} (whose speed is part of what the benchmark measures). A split package
 * on the plain classpath, like {@link BenchDecoderAccess}; never ship it.
 */
public final class BenchSpanAccess {
  private BenchSpanAccess() {}

  /** The bytes to feed an inflater before a span whose checkpoint has {@code bits != 0}. */
  public static byte[] prefix(int bits, int firstByte) {
    return EmptyBlockPrefix.forBits(bits, firstByte);
  }
}
