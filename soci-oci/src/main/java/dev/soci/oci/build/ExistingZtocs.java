package dev.soci.oci.build;

import dev.soci.core.SociException;
import dev.soci.core.Compression;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.LayerCompression;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.layout.OciLayout;
import dev.soci.ztoc.ZtocView;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * zTOCs a layout already holds, found through the zTOC descriptors of its SOCI indexes and
 * keyed by their {@code image-layer-digest} and {@code span-size} annotations.
 */
final class ExistingZtocs {
  static final ExistingZtocs NONE = new ExistingZtocs(null, Map.of());

  private final OciLayout layout;
  /** Candidates in listing order: a bad one (damaged, or another layer's) is passed over. */
  private final Map<String, List<Descriptor>> byLayerAndSpan;

  private ExistingZtocs(OciLayout layout, Map<String, List<Descriptor>> byLayerAndSpan) {
    this.layout = layout;
    this.byLayerAndSpan = byLayerAndSpan;
  }

  /** Scans the SOCI indexes of {@code layout}; only zTOCs whose blob is present count. */
  static ExistingZtocs scan(OciLayout layout) throws IOException {
    Map<String, List<Descriptor>> map = new HashMap<>();
    for (LayoutSociIndex found : LayoutSociIndex.findAll(layout)) {
      for (Descriptor z : found.index().ztocs()) {
        String layer = z.annotations().get(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST);
        String span = z.annotations().get(MediaTypes.ANNOTATION_SPAN_SIZE);
        if (layer != null && span != null && layout.hasBlob(z.digest())) {
          List<Descriptor> candidates = map.computeIfAbsent(key(layer, span),
              k -> new ArrayList<>());
          if (!candidates.contains(z)) {
            candidates.add(z);
          }
        }
      }
    }
    return new ExistingZtocs(layout, map);
  }

  /**
   * The stored zTOC for this layer and span size, read, validated and checked against the
   * layer: the first of the candidates the layout's SOCI indexes list that passes; null when
   * none does (each refused one is reported to {@code log}; the zTOC is then rebuilt).
   *
   * <p>The SOCI index's annotations are only claims (a damaged or hostile index may pair a zTOC
   * with the wrong layer), so the zTOC's own records are compared with the layer: its
   * compression, compressed size and span size, and the digest of its first span's compressed
   * bytes, read from the layer (one span, not the whole layer).
   */
  ZtocBlob find(Descriptor layer, LayerCompression compression, long spanSize,
      Consumer<String> log) throws IOException {
    for (Descriptor z : byLayerAndSpan.getOrDefault(
        key(layer.digest().toString(), Long.toString(spanSize)), List.of())) {
      ZtocBlob blob;
      String mismatch;
      try {
        blob = ZtocBlob.of(layout.readBlob(z));
        mismatch = mismatch(ZtocView.open(blob.bytes()), layer, compression, spanSize);
      } catch (SociException e) {
        log.accept("layer " + layer.digest() + ": existing zTOC " + z.digest()
            + " is unusable (" + e.getMessage() + "); not reusing it");
        continue;
      }
      if (mismatch != null) {
        log.accept("layer " + layer.digest() + ": existing zTOC " + z.digest()
            + " does not belong to this layer (" + mismatch + "); not reusing it");
        continue;
      }
      return blob;
    }
    return null;
  }

  /** Why {@code view} is not a zTOC of {@code layer} at {@code spanSize}, or null. */
  private String mismatch(ZtocView view, Descriptor layer, LayerCompression compression,
      long spanSize) throws IOException {
    Compression want = compression == LayerCompression.GZIP ? Compression.GZIP
        : Compression.UNCOMPRESSED;
    if (view.compressionAlgorithm() != want) {
      return "it indexes a " + view.compressionAlgorithm() + " layer, this one is " + want;
    }
    if (view.compressedArchiveSize() != layer.size()) {
      return "it indexes a layer of " + view.compressedArchiveSize() + " bytes, this one has "
          + layer.size();
    }
    if (view.spanSize() != spanSize) {
      return "its span size is " + view.spanSize() + ", not " + spanSize;
    }
    if (view.spanCount() == 0) {
      // An empty layer has no span to compare (open() already tied the count to the size).
      return null;
    }
    long start = view.spanCompressedStart(0);
    long end = view.spanCompressedEnd(0);
    Digest expected = Digest.parse(view.spanDigest(0));
    MessageDigest md = expected.newMessageDigest();
    try (InputStream in = layout.openBlob(layer)) {
      in.skipNBytes(start);
      byte[] buf = new byte[64 * 1024];
      long left = end - start;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          return "the layer ends inside its first span";
        }
        md.update(buf, 0, n);
        left -= n;
      }
    }
    if (!expected.matches(md.digest())) {
      return "its first span's digest " + expected + " differs from the layer's bytes";
    }
    return null;
  }

  private static String key(String layerDigest, String spanSize) {
    return layerDigest + "@" + spanSize;
  }
}
