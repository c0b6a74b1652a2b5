package dev.soci.core.internal;

import java.util.Arrays;
import java.util.Objects;

/**
 * A place in a gzip stream where decompression can start without what came before: a deflate
 * block boundary, with the 32 KiB of output that precedes it.
 *
 * @param in offset in the compressed blob of the first whole byte of the block that starts here
 * @param out offset in the uncompressed stream of the first byte that block produces
 * @param bits 0, or 1..7: how many (high) bits of byte {@code in - 1} already belong to the block,
 *     so the block begins at bit position {@code in * 8 - bits}
 * @param window the {@link #WINDOW_SIZE} bytes of uncompressed data before {@code out},
 *     zero-filled at the front when fewer were produced; not copied, do not modify
 */
public record Checkpoint(long in, long out, int bits, byte[] window) {

  /** Size of a deflate history window, and of every checkpoint's {@link #window()}. */
  public static final int WINDOW_SIZE = 32768;

  public Checkpoint {
    if (in < 0 || out < 0) {
      throw new IllegalArgumentException("negative checkpoint offset: in=" + in + " out=" + out);
    }
    if (bits < 0 || bits > 7) {
      throw new IllegalArgumentException("checkpoint bits must be 0..7, got " + bits);
    }
    Objects.requireNonNull(window, "window");
    if (window.length != WINDOW_SIZE) {
      throw new IllegalArgumentException(
          "checkpoint window must be " + WINDOW_SIZE + " bytes, got " + window.length);
    }
    if (bits != 0 && in == 0) {
      throw new IllegalArgumentException("checkpoint with bits=" + bits + " cannot start at in=0");
    }
  }

  /** Offset of the first compressed byte a span starting here needs: {@code in}, or {@code in - 1} when {@code bits != 0}. */
  public long compressedStart() {
    return bits == 0 ? in : in - 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.in == in
        && c.out == out
        && c.bits == bits
        && Arrays.equals(c.window, window);
  }

  @Override
  public int hashCode() {
    return Objects.hash(in, out, bits) * 31 + Arrays.hashCode(window);
  }

  @Override
  public String toString() {
    return "Checkpoint[in=" + in + ", out=" + out + ", bits=" + bits + "]";
  }
}
