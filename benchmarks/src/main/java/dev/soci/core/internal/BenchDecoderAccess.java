package dev.soci.core.internal;

import dev.soci.core.internal.DeflateDecoder;
import dev.soci.core.internal.LayerIndexer;
import java.io.IOException;
import java.io.InputStream;

/**
 * Benchmark-only bridge to soci-core's package-private {@link DeflateDecoder}, so the suite can
 * time pure decoding (inflate plus the gzip CRC32 check, no SHA-256, no checkpoints) against
 * {@link java.util.zip.GZIPInputStream}, which does exactly that much work.
 *
 * <p>It lives in the benchmarks module under soci-core's package name (a split package, which the
 * plain classpath allows) because the decoder is deliberately not public API. It therefore
 * depends on decoder internals: if those change, fix this class, not the library's visibility.
 * Never ship it.
 */
public final class BenchDecoderAccess {
  private BenchDecoderAccess() {}

  /**
   * Decodes every gzip member of {@code gzip}, verifying each CRC32 and length like
   * GZIPInputStream, and returns the number of uncompressed bytes.
   */
  public static long inflate(InputStream gzip) throws IOException {
    // Stream mode with nothing pre-read: LayerIndexer hands over the bytes it sniffed the format
    // from; we sniff nothing, so the decoder pulls everything from the stream itself.
    DeflateDecoder dec = new DeflateDecoder(gzip, new byte[0], 0, null);
    boolean first = true;
    while (true) {
      if (!first) {
        int peek = dec.peekTwo();
        if (peek == 0) {
          break;
        }
        if ((peek >>> 16) < 2 || (peek & 0xFFFF) != 0x8b1f) {
          throw new IOException("trailing data after the last gzip member");
        }
      }
      dec.readGzipHeader();
      while (true) {
        if (dec.inflate() == DeflateDecoder.OUTPUT_FULL) {
          // A null sink: the bytes are only checksummed, as GZIPInputStream's reader would.
          dec.drain(null, true);
          continue;
        }
        if (dec.lastBlock()) {
          break;
        }
      }
      dec.readGzipTrailer(true);
      first = false;
    }
    dec.drain(null, true);
    return dec.outPosition();
  }
}
