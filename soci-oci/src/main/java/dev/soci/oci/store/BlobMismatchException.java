package dev.soci.oci.store;

import dev.soci.oci.OciException;

/** A blob's bytes do not match its descriptor: wrong size or wrong digest. */
public final class BlobMismatchException extends OciException {
  private static final long serialVersionUID = 1L;

  public BlobMismatchException(String message) {
    super(message);
  }

  public BlobMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
