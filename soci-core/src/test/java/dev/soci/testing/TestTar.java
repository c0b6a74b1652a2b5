package dev.soci.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Pieces for writing tar headers byte by byte in tests, where a tar library would not do. */
public final class TestTar {
  private TestTar() {}

  /** Writes ASCII {@code s} into the header at {@code off}. */
  public static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }

  /** Fills in the header checksum field as tar writers do (six octal digits, NUL, space). */
  public static void checksum(byte[] h) {
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o\0 ", sum));
  }
}
