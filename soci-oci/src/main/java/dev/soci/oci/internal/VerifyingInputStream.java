package dev.soci.oci.internal;

import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.Descriptor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes bytes through while hashing and counting them; fails as soon as more bytes than the
 * descriptor's size arrive, and at end of stream when the size or digest is wrong. So a caller
 * that reads to the end has read exactly the described content, or got an exception.
 */
public final class VerifyingInputStream extends FilterInputStream {
  private final Descriptor expected;
  private final String where; // for messages: which layout holds the blob
  private final MessageDigest md;
  private long count;
  private boolean verified;

  /**
   * @param in the content
   * @param expected its descriptor (digest and size)
   * @param where where it comes from, for messages (a layout path, a registry repository)
   */
  public VerifyingInputStream(InputStream in, Descriptor expected, String where) {
    super(in);
    this.expected = expected;
    this.where = where;
    this.md = expected.digest().newMessageDigest();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n < 0) {
      verify();
      return -1;
    }
    count += n;
    if (count > expected.size()) {
      throw new BlobMismatchException("blob " + expected.digest() + " in " + where
          + " is larger than its descriptor's size " + expected.size());
    }
    md.update(b, off, n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must still be hashed.
    byte[] buf = new byte[(int) Math.min(n, 8192)];
    long done = 0;
    while (done < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void verify() throws BlobMismatchException {
    if (verified) {
      return;
    }
    verified = true;
    if (count != expected.size()) {
      throw new BlobMismatchException("blob " + expected.digest() + " in " + where + " has "
          + count + " bytes, its descriptor says " + expected.size());
    }
    if (!expected.digest().matches(md.digest())) {
      throw new BlobMismatchException("blob content does not match digest "
          + expected.digest() + " (" + expected.mediaType() + " in " + where + ")");
    }
  }
}
