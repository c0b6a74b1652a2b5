package dev.soci.oci.build;

import dev.soci.oci.Descriptor;
import java.util.List;

/**
 * What {@link SociConverter#convert} produced.
 *
 * @param imageIndex descriptor of the new image index (the one {@code index.json} lists)
 * @param sociIndexes descriptors of the SOCI indexes added, as listed in the image index
 */
public record ConvertResult(Descriptor imageIndex, List<Descriptor> sociIndexes) {
  /**
   * Copies.
   *
   * @param imageIndex descriptor of the new image index (the one {@code index.json} lists)
   * @param sociIndexes descriptors of the SOCI indexes added, copied into an unmodifiable list
   */
  public ConvertResult {
    sociIndexes = List.copyOf(sociIndexes);
  }
}
