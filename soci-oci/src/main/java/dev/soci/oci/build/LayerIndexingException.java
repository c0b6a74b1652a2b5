package dev.soci.oci.build;

import dev.soci.oci.OciException;

/**
 * A layer's zTOC could not be built from its (digest-verified) content: a tar or compression
 * error. The message names the layer; the cause is the builder's error.
 */
public final class LayerIndexingException extends OciException {
  private static final long serialVersionUID = 1L;

  /**
   * With a one-line message and the builder's error.
   *
   * @param message the one-line message, naming the layer
   * @param cause the zTOC builder's error (tar or compression)
   */
  public LayerIndexingException(String message, Throwable cause) {
    super(message, cause);
  }
}
