package dev.soci.core;

import dev.soci.core.internal.DeflateDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Decompresses a gzip stream (RFC 1952) in pure Java with soci-core's inflater: a drop-in for
 * {@link java.util.zip.GZIPInputStream} that needs no native zlib and is faster than it on real
 * layers (see the README's performance table).
 *
 * <p>Every member of a multi-member stream is decoded in turn, and each member's CRC32 and
 * length are checked against its trailer before the next member (or the end of the stream) is
 * reported; as with {@code GZIPInputStream}, a member's bytes are handed out before its trailer
 * is read, so a damaged member shows as an exception after some of its bytes. Unlike {@code
 * GZIPInputStream}, bytes after the last member that are not another member (zero padding,
 * garbage) are an error, not silently ignored: that is the rule SOCI layers follow (see {@link
 * TrailingDataException}).
 *
 * <p>Errors are typed: {@link CorruptStreamException} (bad header, invalid deflate data, checksum
 * or length mismatch, trailing data) and {@link TruncatedStreamException} (input ends inside a
 * member), both carrying the compressed offset. An error is final, a failed read of the
 * underlying stream too: every later read throws it again (the decoder's state after a partial
 * step is unknown, so decoding never resumes past it). Memory use is fixed (about 400 KiB)
 * whatever the input. Not thread-safe; reads the underlying stream in 64 KiB chunks, so it needs
 * no {@link java.io.BufferedInputStream} in front.
 */
public final class GunzipInputStream extends InputStream {
  private final InputStream in;
  private final DeflateDecoder dec;
  private final byte[] one = new byte[1];
  private boolean started;
  private boolean memberDone;
  private boolean finished;
  private boolean closed;
  /** The first error (the decoder's or the underlying stream's), thrown by every later read. */
  private IOException failure;

  /**
   * A stream that decompresses {@code in}, which is read lazily from its current position and
   * closed with this stream.
   *
   * @param in gzip data: one or more members
   */
  public GunzipInputStream(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
    this.dec = new DeflateDecoder(in, new byte[0], 0, null);
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    if (len == 0) {
      return 0;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      while (true) {
        int n = dec.take(b, off, len);
        if (n > 0) {
          return n;
        }
        if (finished) {
          return -1;
        }
        decodeMore();
      }
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  /** Advances the decoder by one step: a member's start or end, or one run of output. */
  private void decodeMore() throws IOException {
    if (!started || memberDone) {
      if (memberDone) {
        dec.readGzipTrailer(true);
      }
      if (!dec.nextGzipMember(!started)) {
        finished = true;
        return;
      }
      started = true;
      memberDone = false;
      return;
    }
    if (dec.inflate() == DeflateDecoder.BLOCK_END && dec.lastBlock()) {
      memberDone = true;
    }
  }

  /** The decoded bytes that can be read without touching the underlying stream. */
  @Override
  public int available() throws IOException {
    ensureOpen();
    return failure != null ? 0 : dec.undelivered();
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      in.close();
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
  }
}
