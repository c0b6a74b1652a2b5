package dev.soci.oci.build;

import java.io.IOException;
import java.io.InputStream;

/**
 * Builds the zTOC of one layer: the plug-in point between this module (which walks images
 * and writes indexes) and a zTOC builder (which reads layer bytes). {@link #standard()} is the
 * one backed by soci-ztoc; tests and embedders may supply their own (for instance to serve
 * precomputed zTOCs or to count builds).
 */
@FunctionalInterface
public interface ZtocFactory {
  /**
   * Builds the zTOC for {@code request.layer()} from its blob.
   *
   * @param request the layer, its compression, the span size and the build tool identifier
   * @param layerBlob the layer's bytes from the start; verified against the layer descriptor
   *     as it is read, so a factory should read it to the end
   * @return the layer's zTOC: its bytes, their digest and whether the layer is xattr-free
   * @throws IOException on unreadable or invalid layer data (a {@code SociException} for bad
   *     input)
   */
  ZtocBlob build(ZtocRequest request, InputStream layerBlob) throws IOException;

  /**
   * The factory backed by {@link dev.soci.ztoc.ZtocBuilder}: one streaming pass over the
   * layer, byte-identical to the reference for the same span size and build tool identifier.
   *
   * @return the shared standard factory (stateless, safe to use from many threads)
   */
  static ZtocFactory standard() {
    return StandardZtocFactory.INSTANCE;
  }
}
