package dev.soci.oci.build;

import dev.soci.oci.OciException;

/**
 * A layer's zTOC could not be built from its (digest-verified) content: a tar or compression
 * error. The message names the layer; the cause is the builder's error.
 */
public final class LayerIndexingException extends OciException {
  private static final long serialVersionUID = 1L;

  public LayerIndexingException(String message, Throwable cause) {
    super(message, cause);
  }
}
