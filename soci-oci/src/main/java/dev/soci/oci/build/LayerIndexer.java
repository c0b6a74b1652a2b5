package dev.soci.oci.build;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.LayerCompression;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.soci.SociIndex;
import dev.soci.oci.soci.SociIndexVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/** The part shared by create and convert: zTOCs for one manifest's layers, then the index. */
final class LayerIndexer {
  /** Where new blobs go (the same layout for create, the new layout for convert). */
  interface BlobSink {
    void put(String mediaType, byte[] content) throws IOException;
  }

  private final ZtocBuilder builder;
  private final SociOptions options;
  private final Consumer<String> log;

  LayerIndexer(ZtocBuilder builder, SociOptions options, Consumer<String> log) {
    this.builder = builder;
    this.options = options;
    this.log = log;
  }

  /**
   * Builds and stores the zTOCs of {@code manifest}'s layers (skipping small and unsupported
   * ones, in layer order), the {@code {}} config and the index manifest; returns the index.
   */
  SociIndex index(OciLayout source, ImageManifest manifest, SociIndexVersion version,
      Descriptor subject, BlobSink sink) throws IOException {
    SociIndex.Builder b = SociIndex.builder(version).buildTool(options.buildTool());
    if (subject != null) {
      b.subject(subject);
    }
    int built = 0;
    for (Descriptor layer : manifest.layers()) {
      LayerCompression c = LayerCompression.of(layer.mediaType());
      if (c == LayerCompression.NOT_A_LAYER) {
        throw new OciException("cannot index " + layer.digest() + ": media type \""
            + layer.mediaType() + "\" is not a layer type");
      }
      if (layer.size() < options.minLayerSize()) {
        log.accept("layer " + layer.digest() + " skipped: " + layer.size()
            + " bytes is below the minimum layer size " + options.minLayerSize());
        continue;
      }
      if (!c.indexable()) {
        log.accept("layer " + layer.digest() + " skipped: unsupported compression of \""
            + layer.mediaType() + "\"");
        continue;
      }
      BuiltZtoc z;
      try (InputStream in = source.openBlob(layer)) {
        z = builder.build(
            new ZtocRequest(layer, c, options.spanSize(), options.buildTool()), in);
      }
      sink.put(MediaTypes.ZTOC, z.bytes());
      b.addZtoc(SociIndex.ztocDescriptor(z.digest(), z.size(), layer, options.spanSize(),
          options.optimizeXattrs() && z.xattrFree()));
      built++;
    }
    if (built == 0) {
      throw new NoZtocsException("no ztocs created: every layer of the manifest was skipped");
    }
    SociIndex index = b.build();
    sink.put(version.artifactType(), SociIndex.CONFIG_BYTES);
    sink.put(MediaTypes.OCI_MANIFEST, index.toJson());
    return index;
  }
}
