package dev.soci.oci.store;

import dev.soci.oci.OciException;

/** A blob named by a descriptor is not in the layout. */
public final class BlobNotFoundException extends OciException {
  private static final long serialVersionUID = 1L;

  public BlobNotFoundException(String message) {
    super(message);
  }

  public BlobNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
