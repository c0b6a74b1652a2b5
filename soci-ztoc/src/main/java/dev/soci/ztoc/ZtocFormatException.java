package dev.soci.ztoc;

import dev.soci.core.SociException;

/**
 * A zTOC (or a tar zinfo blob inside one) is malformed: out-of-bounds FlatBuffers offsets,
 * invalid UTF-8, missing required fields, overlapping entries, inconsistent span data.
 */
public final class ZtocFormatException extends SociException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong, and where */
  public ZtocFormatException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, and where
   * @param cause the low-level failure that revealed it
   */
  public ZtocFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
