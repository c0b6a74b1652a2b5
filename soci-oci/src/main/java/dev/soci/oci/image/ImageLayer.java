package dev.soci.oci.image;

import dev.soci.oci.Descriptor;
import java.util.Objects;

/**
 * One layer of a {@link SociImage}, and how it is read: through its zTOC (only the spans a read
 * needs are fetched) or, without one, by fetching the whole blob.
 *
 * @param index position in the manifest's layers, 0 the bottom one
 * @param layer the layer's descriptor from the manifest
 * @param ztoc the zTOC's descriptor from the SOCI index, or null when the layer has none (below
 *     the index's minimum layer size, or no SOCI index)
 */
public record ImageLayer(int index, Descriptor layer, Descriptor ztoc) {
  /**
   * Checks the layer is given.
   *
   * @param index position in the manifest's layers, 0 the bottom one
   * @param layer the layer's descriptor from the manifest; not null
   * @param ztoc the zTOC's descriptor from the SOCI index, or null when the layer has none
   */
  public ImageLayer {
    Objects.requireNonNull(layer, "layer");
  }

  /**
   * Whether the layer is read lazily through a zTOC.
   *
   * @return true when the layer has a zTOC, false when reads fetch the whole blob
   */
  public boolean hasZtoc() {
    return ztoc != null;
  }
}
