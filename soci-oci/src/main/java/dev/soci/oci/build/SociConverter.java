package dev.soci.oci.build;

import dev.soci.oci.Descriptor;
import dev.soci.oci.GoJson;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.LayoutException;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import dev.soci.oci.soci.SociIndex;
import dev.soci.oci.soci.SociIndexVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code convert}: turns an image into a SOCI-enabled image (SOCI index v2), written as a new
 * layout holding every input blob plus the new ones. The rules, as the reference applies them:
 *
 * <ol>
 *   <li>every image manifest listed by the image index is re-serialised as an OCI manifest
 *       (media type forced to OCI, config media type forced to the OCI config type; layers
 *       untouched); those that get an index also get {@code com.amazon.soci.index-digest};
 *   <li>each one's descriptor in the image index takes the new media type, digest and size,
 *       and the manifest's annotations (none when it has none); position and platform stay;
 *   <li>the SOCI index descriptors (media type OCI manifest, artifact type v2, the indexed
 *       manifest's platform, {@code com.amazon.soci.image-manifest-digest}) are appended in
 *       manifest order, or replace an existing v2 index descriptor for the same platform;
 *   <li>a single-manifest image becomes an image index holding the manifest and its index;
 *   <li>{@code index.json} lists just the new image index (OCI media type, digest, size).
 * </ol>
 *
 * <p>zTOCs of SOCI indexes the input already lists (for the same layer and span size) are
 * reused rather than rebuilt, unless {@link SociOptions#force()}.
 */
public final class SociConverter {
  private final ZtocFactory factory;
  private final SociOptions options;
  private final Consumer<String> log;

  /** A converter using {@code factory} for zTOCs; skipped layers are reported to {@code log}. */
  public SociConverter(ZtocFactory factory, SociOptions options, Consumer<String> log) {
    this.factory = factory;
    this.options = options;
    this.log = log;
  }

  /** A converter using {@link ZtocFactory#standard()}. */
  public SociConverter(SociOptions options, Consumer<String> log) {
    this(ZtocFactory.standard(), options, log);
  }

  /**
   * Converts the image in {@code input} into a new layout at {@code output}. Nothing appears
   * at {@code output} unless the whole conversion succeeds.
   *
   * @throws NoZtocsException when a chosen manifest has no indexable layer
   * @throws LayoutException when no manifest matches the chosen platforms
   */
  public ConvertResult convert(OciLayout input, Path output, OciLayoutWriter.Format format)
      throws IOException {
    try (OciLayoutWriter out = OciLayoutWriter.create(output, format)) {
      for (Descriptor blob : input.blobs()) {
        out.copyBlob(input, blob);
      }
      try (ManifestIndexer indexer = new ManifestIndexer(factory, options, log,
          options.force() ? ExistingZtocs.NONE : ExistingZtocs.scan(input))) {
        ConvertResult r = rewrite(input, out, indexer);
        indexer.reportUnmatchedPrefetchPaths();
        out.commit(ImageIndex.of(List.of(r.imageIndex().withoutExtras())));
        return r;
      }
    }
  }

  private ConvertResult rewrite(OciLayout input, OciLayoutWriter out, ManifestIndexer indexer)
      throws IOException {
    Descriptor image = input.image();
    ImageIndex index;
    if (MediaTypes.isManifest(image.mediaType())) {
      // Single manifest: its platform is only in its config.
      ImageManifest m = input.readManifest(image);
      Platform p = configPlatform(input.readBlob(m.config()));
      index = ImageIndex.of(List.of(image.toBuilder().annotations(null).platform(p).build()));
    } else {
      index = input.readImageIndex(image);
    }
    boolean single = MediaTypes.isManifest(image.mediaType());

    List<Descriptor> entries = new ArrayList<>();
    List<Descriptor> sociDescriptors = new ArrayList<>();
    int chosen = 0;
    for (Descriptor d : index.manifests()) {
      if (!MediaTypes.isManifest(d.mediaType()) || isSociIndex(d)) {
        entries.add(d); // nested indexes and existing SOCI indexes are kept as they are
        continue;
      }
      ImageManifest m = input.readManifest(d);
      Map<String, String> annotations = new LinkedHashMap<>(m.annotations());
      boolean wanted = single || options.allPlatforms() || matches(d);
      SociIndex soci = null;
      if (wanted) {
        chosen++;
        soci = indexer.index(input, m, SociIndexVersion.V2, null, out::putBlob);
        annotations.put(MediaTypes.ANNOTATION_INDEX_DIGEST,
            soci.toDescriptor().digest().toString());
      }
      ImageManifest rewritten = m.withMediaType(MediaTypes.OCI_MANIFEST)
          .withConfig(m.config().toBuilder().mediaType(MediaTypes.OCI_CONFIG).build())
          .withAnnotations(annotations);
      Descriptor md = out.putBlob(MediaTypes.OCI_MANIFEST, rewritten.toJson());
      entries.add(d.toBuilder()
          .mediaType(MediaTypes.OCI_MANIFEST)
          .content(md.digest(), md.size())
          .annotations(rewritten.annotations())
          .build());
      if (soci != null) {
        Descriptor sd = soci.toDescriptor().toBuilder()
            .artifactType(SociIndexVersion.V2.artifactType())
            .platform(d.platform())
            .annotation(MediaTypes.ANNOTATION_IMAGE_MANIFEST_DIGEST, md.digest().toString())
            .build();
        sociDescriptors.add(sd);
      }
    }
    if (chosen == 0) {
      throw new LayoutException("no manifest of the image matches platforms "
          + options.platforms());
    }
    for (Descriptor sd : sociDescriptors) {
      int existing = -1;
      for (int i = 0; i < entries.size(); i++) {
        Descriptor e = entries.get(i);
        if (isSociIndex(e) && e.platform() != null && sd.platform() != null
            && e.platform().matches(sd.platform())) {
          existing = i;
        }
      }
      if (existing >= 0) {
        entries.set(existing, sd);
      } else {
        entries.add(sd);
      }
    }
    ImageIndex rewrittenIndex = new ImageIndex(
        single ? 2 : index.schemaVersion(), MediaTypes.OCI_INDEX, index.artifactType(),
        entries, index.subject(), index.annotations());
    Descriptor id = out.putBlob(MediaTypes.OCI_INDEX, rewrittenIndex.toJson());
    return new ConvertResult(id, sociDescriptors);
  }

  private boolean matches(Descriptor d) {
    if (d.platform() == null) {
      return false;
    }
    for (Platform p : options.platforms()) {
      if (d.platform().matches(p)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSociIndex(Descriptor d) {
    return SociIndexVersion.V2.artifactType().equals(d.artifactType());
  }

  private static Platform configPlatform(byte[] config) throws IOException {
    Map<String, Object> c = GoJson.readObject(config, "image config");
    return Platform.of(str(c.get("os")), str(c.get("architecture")), str(c.get("variant")));
  }

  private static String str(Object o) {
    return o instanceof String s ? s : "";
  }
}
