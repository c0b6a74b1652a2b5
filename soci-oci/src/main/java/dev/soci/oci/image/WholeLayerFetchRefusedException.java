package dev.soci.oci.image;

import dev.soci.oci.OciException;

/**
 * A layer has no zTOC, so it could only be read by fetching it whole, and the caller turned
 * that off ({@link SociImage.Builder#fetchWholeLayers(boolean)}).
 */
public final class WholeLayerFetchRefusedException extends OciException {
  private static final long serialVersionUID = 1L;

  WholeLayerFetchRefusedException(String message) {
    super(message);
  }
}
