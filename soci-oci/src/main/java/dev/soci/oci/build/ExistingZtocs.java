package dev.soci.oci.build;

import dev.soci.core.SociException;
import dev.soci.oci.Descriptor;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.layout.OciLayout;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * zTOCs a layout already holds, found through the zTOC descriptors of its SOCI indexes and
 * keyed by their {@code image-layer-digest} and {@code span-size} annotations.
 */
final class ExistingZtocs {
  static final ExistingZtocs NONE = new ExistingZtocs(null, Map.of());

  private final OciLayout layout;
  private final Map<String, Descriptor> byLayerAndSpan;

  private ExistingZtocs(OciLayout layout, Map<String, Descriptor> byLayerAndSpan) {
    this.layout = layout;
    this.byLayerAndSpan = byLayerAndSpan;
  }

  /** Scans the SOCI indexes of {@code layout}; only zTOCs whose blob is present count. */
  static ExistingZtocs scan(OciLayout layout) throws IOException {
    Map<String, Descriptor> map = new HashMap<>();
    for (LayoutSociIndex found : LayoutSociIndex.findAll(layout)) {
      for (Descriptor z : found.index().ztocs()) {
        String layer = z.annotations().get(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST);
        String span = z.annotations().get(MediaTypes.ANNOTATION_SPAN_SIZE);
        if (layer != null && span != null && layout.hasBlob(z.digest())) {
          map.putIfAbsent(key(layer, span), z);
        }
      }
    }
    return new ExistingZtocs(layout, map);
  }

  /**
   * The stored zTOC for this layer and span size, read and validated; null when there is none,
   * or when the stored one is unusable (reported to {@code log}: it is then rebuilt).
   */
  ZtocBlob find(Descriptor layer, long spanSize, Consumer<String> log) throws IOException {
    Descriptor z = byLayerAndSpan.get(key(layer.digest().toString(), Long.toString(spanSize)));
    if (z == null) {
      return null;
    }
    try {
      return ZtocBlob.of(layout.readBlob(z));
    } catch (SociException e) {
      log.accept("layer " + layer.digest() + ": existing zTOC " + z.digest()
          + " is unusable (" + e.getMessage() + "); rebuilding it");
      return null;
    }
  }

  private static String key(String layerDigest, String spanSize) {
    return layerDigest + "@" + spanSize;
  }
}
