package dev.soci.oci.build;

import java.io.IOException;
import java.io.InputStream;

/**
 * Builds the zTOC of one layer: the plug-in point between this module (which walks images
 * and writes indexes) and the zTOC builder (which reads layer bytes).
 */
@FunctionalInterface
public interface ZtocBuilder {
  /**
   * Builds the zTOC for {@code request.layer()} from its blob.
   *
   * @param request the layer, its compression and the span size
   * @param layerBlob the layer's bytes from the start; verified against the layer descriptor
   *     as it is read, so a builder should read it to the end
   * @throws IOException on unreadable or invalid layer data (a {@code SociException} for bad
   *     input)
   */
  BuiltZtoc build(ZtocRequest request, InputStream layerBlob) throws IOException;
}
