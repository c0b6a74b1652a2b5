package dev.soci.oci.build;

import dev.soci.core.Compression;
import dev.soci.core.SociException;
import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.LayerCompression;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.store.ContentStore;
import dev.soci.ztoc.ZtocView;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * zTOCs a store already holds, found through the zTOC descriptors of its SOCI indexes and
 * keyed by their {@code image-layer-digest} and {@code span-size} annotations: every SOCI index
 * a layout lists, or those of the image being indexed in any other store (a registry cannot be
 * listed).
 */
final class ExistingZtocs {
  static final ExistingZtocs NONE = new ExistingZtocs(null, Map.of());
  /**
   * Largest zTOC read for reuse: 256 MiB, a layer of over a TiB at 4 MiB spans (the bound
   * {@code SociImage} reads zTOCs with by default, too).
   */
  static final long MAX_REUSED_ZTOC_BYTES = 256L << 20;

  private final ContentStore store;
  /** Candidates in listing order: a bad one (damaged, or another layer's) is passed over. */
  private final Map<String, List<Descriptor>> byLayerAndSpan;

  private ExistingZtocs(ContentStore store, Map<String, List<Descriptor>> byLayerAndSpan) {
    this.store = store;
    this.byLayerAndSpan = byLayerAndSpan;
  }

  /**
   * Scans the SOCI indexes of {@code store} for the images {@code images}: in a store that lists
   * its content (a layout), every SOCI index it lists (as before stores: an index of another image of the layout may hold a
   * shared layer's zTOC); elsewhere those {@link FoundSociIndex#find} finds for the image.
   * Only zTOCs whose blob is present count.
   */
  static ExistingZtocs scan(ContentStore store, List<Descriptor> images) throws IOException {
    List<FoundSociIndex> indexes = new ArrayList<>();
    if (store.listing().isPresent()) {
      indexes.addAll(FoundSociIndex.findAll(store));
    } else {
      for (Descriptor image : images) {
        indexes.addAll(FoundSociIndex.find(store, image));
      }
    }
    Map<String, List<Descriptor>> map = new HashMap<>();
    for (FoundSociIndex found : indexes) {
      for (Descriptor z : found.index().ztocs()) {
        String layer = z.annotations().get(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST);
        String span = z.annotations().get(MediaTypes.ANNOTATION_SPAN_SIZE);
        if (layer != null && span != null && store.exists(z)) {
          List<Descriptor> candidates = map.computeIfAbsent(key(layer, span),
              k -> new ArrayList<>());
          if (!candidates.contains(z)) {
            candidates.add(z);
          }
        }
      }
    }
    return new ExistingZtocs(store, map);
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
      if (z.size() > MAX_REUSED_ZTOC_BYTES) {
        // The size is the index's claim: never read that much on its word (a rebuild is safe).
        log.accept("layer " + layer.digest() + ": existing zTOC " + z.digest() + " claims "
            + z.size() + " bytes, more than " + MAX_REUSED_ZTOC_BYTES + "; not reusing it");
        continue;
      }
      try {
        blob = ZtocBlob.of(store.readBlob(z));
        mismatch = mismatch(blob.view(), layer, compression, spanSize);
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
    // Range reads of the span (a registry layer is not streamed from its start), a bounded
    // buffer at a time: the span's length is the zTOC's claim.
    if (end > layer.size()) {
      return "its first span [" + start + ", " + end + ") is not inside the layer";
    }
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(end - start, 1 << 20));
    try (dev.soci.core.RangeSource source = store.openRanges(layer)) {
      for (long at = start; at < end; ) {
        buf.clear().limit((int) Math.min(buf.capacity(), end - at));
        source.readFully(at, buf);
        at += buf.position();
        md.update(buf.flip());
      }
    } catch (java.io.EOFException e) {
      return "the layer ends inside its first span";
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
