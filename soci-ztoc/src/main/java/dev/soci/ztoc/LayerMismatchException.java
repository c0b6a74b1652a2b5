package dev.soci.ztoc;

import dev.soci.core.SociException;

/**
 * The layer given to a {@link LayerReader} cannot be the one its zTOC describes (for example, its
 * size differs from the zTOC's compressed archive size), or its data does not decode to what the
 * zTOC promises.
 */
public final class LayerMismatchException extends SociException {
  private static final long serialVersionUID = 1L;

  /** @param message what does not match */
  public LayerMismatchException(String message) {
    super(message);
  }

  /**
   * @param message what does not match
   * @param cause the failure that revealed it
   */
  public LayerMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
