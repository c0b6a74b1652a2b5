package dev.soci.oci.store;

import dev.soci.oci.OciException;

/** A blob named by a descriptor is not in the layout. */
public final class BlobNotFoundException extends OciException {
  private static final long serialVersionUID = 1L;

  /** With a one-line message naming the blob and where it is. */
  public BlobNotFoundException(String message) {
    super(message);
  }

  /** The same, with the failure that revealed it. */
  public BlobNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
