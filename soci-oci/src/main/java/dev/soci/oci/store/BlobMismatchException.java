package dev.soci.oci.store;

import dev.soci.oci.OciException;

/** A blob's bytes do not match its descriptor: wrong size or wrong digest. */
public final class BlobMismatchException extends OciException {
  private static final long serialVersionUID = 1L;

  /**
   * With a one-line message naming the blob and where it is.
   *
   * @param message the one-line message, naming the blob's digest and the store or layout
   */
  public BlobMismatchException(String message) {
    super(message);
  }

  /**
   * The same, with the failure that revealed it.
   *
   * @param message the one-line message, naming the blob's digest and the store or layout
   * @param cause the failure that revealed it, kept as the exception's cause
   */
  public BlobMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
