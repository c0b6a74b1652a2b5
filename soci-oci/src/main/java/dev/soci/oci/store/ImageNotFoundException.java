package dev.soci.oci.store;

import dev.soci.oci.OciException;

/** A reference that names no image of the store. */
public final class ImageNotFoundException extends OciException {
  private static final long serialVersionUID = 1L;

  /**
   * With a one-line message.
   *
   * @param message the one-line message, quoting the reference and naming the store
   */
  public ImageNotFoundException(String message) {
    super(message);
  }
}
