package dev.soci.oci.build;

import dev.soci.oci.internal.GoJsonReader;
import dev.soci.oci.Descriptor;
import dev.soci.oci.DocumentTooLargeException;
import dev.soci.oci.store.ContentStore;
import dev.soci.oci.store.TransferProgress;
import dev.soci.oci.store.ImageGraph;
import dev.soci.oci.internal.GoJson;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.LayoutException;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import dev.soci.oci.index.SociIndex;
import dev.soci.oci.index.SociIndexVersion;
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
  private final TransferProgress progress;

  /**
   * A converter using {@code factory} for zTOCs; skipped layers are reported to {@code log}.
   *
   * @param factory builds each layer's zTOC
   * @param options span size, platforms, thread count and the other build options
   * @param log told, one line each, about skipped layers and prefetch paths matching nothing
   */
  public SociConverter(ZtocFactory factory, SociOptions options, Consumer<String> log) {
    this(factory, options, log, TransferProgress.NONE);
  }

  private SociConverter(ZtocFactory factory, SociOptions options, Consumer<String> log,
      TransferProgress progress) {
    this.factory = factory;
    this.options = options;
    this.log = log;
    this.progress = progress;
  }

  /**
   * The same, reporting layer reads (and blob copies) to {@code progress}.
   *
   * @param progress told how far each layer read and blob copy has got
   * @return a new converter with this one's factory, options and log; this one is unchanged
   */
  public SociConverter withProgress(TransferProgress progress) {
    return new SociConverter(factory, options, log, progress);
  }

  /**
   * A converter using {@link ZtocFactory#standard()}.
   *
   * @param options span size, platforms, thread count and the other build options
   * @param log told, one line each, about skipped layers and prefetch paths matching nothing
   */
  public SociConverter(SociOptions options, Consumer<String> log) {
    this(ZtocFactory.standard(), options, log);
  }

  /**
   * Converts the image in {@code input} into a new layout at {@code output}. Nothing appears
   * at {@code output} unless the whole conversion succeeds.
   *
   * @param input the layout holding the image (its one image, see {@link OciLayout#image()})
   * @param output where the new layout is written; must not exist (or be an empty directory)
   * @param format whether {@code output} is a layout directory or a tar archive of one
   * @return the new image index's descriptor and those of the SOCI indexes added
   * @throws NoZtocsException when a chosen manifest has no indexable layer
   * @throws LayoutException when no manifest matches the chosen platforms
   * @throws IOException when the input cannot be read or is invalid, a layer fails to index,
   *     or the output cannot be written
   */
  public ConvertResult convert(OciLayout input, Path output, OciLayoutWriter.Format format)
      throws IOException {
    try (OciLayoutWriter out = OciLayoutWriter.create(output, format)) {
      ConvertResult r = convert(input, input.image(), out, null);
      out.commit(ImageIndex.of(List.of(r.imageIndex().withoutExtras())));
      return r;
    }
  }

  /**
   * Converts the image {@code image} of {@code source} into {@code target}, any pair of stores
   * (registry to registry, layout to registry, registry to a new layout, ...). Publishes in a
   * safe order: the image's blobs (from a layout into a new layout, every blob of the layout, as
   * the reference's standalone convert; those the target has are skipped, those a repository of
   * the same registry has are mounted), the
   * manifests and indexes below the root, the new zTOCs, prefetch artifacts and SOCI indexes,
   * the rewritten manifests, and last the new image index, under {@code tag} when it is not
   * null. So a failure part-way leaves no tag pointing at missing content.
   *
   * @param source the store holding the image
   * @param image the descriptor of the image: a manifest or an image index
   * @param target the store to write the converted image to
   * @param tag the tag to point at the new image index in {@code target}, or null for none
   * @return the new image index's descriptor and those of the SOCI indexes added
   * @throws NoZtocsException when a chosen manifest has no indexable layer
   * @throws LayoutException when no manifest matches the chosen platforms
   * @throws IOException when the source cannot be read or is invalid, a layer fails to index,
   *     or the target refuses content or cannot be written (file system or network)
   */
  public ConvertResult convert(ContentStore source, Descriptor image, ContentStore target,
      String tag) throws IOException {
    ImageGraph graph = ImageGraph.walk(source, image);
    // Layout to new layout carries the layout whole, as the reference's standalone convert
    // does; anything else carries the image's own blobs only (never a layout's other content
    // into a registry).
    List<Descriptor> carried = source instanceof OciLayout layout
        && target instanceof OciLayoutWriter ? layout.blobs() : graph.blobs();
    for (Descriptor blob : carried) {
      ImageGraph.copyBlob(source, target, blob, progress);
    }
    graph.copyDocumentsBelowRoot(target);
    try (ManifestIndexer indexer = new ManifestIndexer(factory, options, log,
        options.force() ? ExistingZtocs.NONE : ExistingZtocs.scan(source, List.of(image)),
        progress)) {
      Rewritten r = rewrite(source, image, target, indexer);
      indexer.reportUnmatchedPrefetchPaths();
      target.putManifest(r.result().imageIndex(), r.imageIndexJson(), tag);
      return r.result();
    }
  }

  /** The result and the new image index's bytes, which the caller stores last. */
  private record Rewritten(ConvertResult result, byte[] imageIndexJson) {}

  private Rewritten rewrite(ContentStore input, Descriptor image, ContentStore out,
      ManifestIndexer indexer) throws IOException {
    ImageIndex index;
    if (MediaTypes.isManifest(image.mediaType())) {
      // Single manifest: its platform is only in its config.
      ImageManifest m = input.readManifest(image);
      DocumentTooLargeException.check("refusing the config " + m.config().digest(),
          m.config().size());
      Platform p = configPlatform(input.readBlob(m.config()));
      index = ImageIndex.of(List.of(image.toBuilder().annotations(null).platform(p).build()));
    } else if (MediaTypes.isIndex(image.mediaType())) {
      index = input.readImageIndex(image);
    } else {
      throw new LayoutException(input.name() + ": " + image.digest() + " has media type \""
          + image.mediaType() + "\", not an image manifest or index");
    }
    boolean single = MediaTypes.isManifest(image.mediaType());
    ManifestIndexer.BlobSink sink = (mediaType, bytes) -> {
      Descriptor d = Descriptor.forContent(mediaType, bytes);
      if (MediaTypes.isManifest(mediaType)) {
        out.putManifest(d, bytes, null);
      } else if (!out.exists(d)) {
        out.putBlob(mediaType, bytes);
      }
    };

    List<Descriptor> entries = new ArrayList<>();
    List<Descriptor> sociDescriptors = new ArrayList<>();
    int chosen = 0;
    for (Descriptor d : index.manifests()) {
      if (!SociIndexVersion.isImageManifest(d)) {
        entries.add(d); // nested indexes and existing SOCI indexes are kept as they are
        continue;
      }
      ImageManifest m = input.readManifest(d);
      Map<String, String> annotations = new LinkedHashMap<>(m.annotations());
      boolean wanted = single || ManifestChoice.chosen(options, d);
      SociIndex soci = null;
      if (wanted) {
        chosen++;
        soci = indexer.index(input, m, SociIndexVersion.V2, null, sink);
        annotations.put(MediaTypes.ANNOTATION_INDEX_DIGEST,
            soci.toDescriptor().digest().toString());
      }
      ImageManifest rewritten = m.withMediaType(MediaTypes.OCI_MANIFEST)
          .withConfig(m.config().toBuilder().mediaType(MediaTypes.OCI_CONFIG).build())
          .withAnnotations(annotations);
      byte[] json = rewritten.toJson();
      Descriptor md = Descriptor.forContent(MediaTypes.OCI_MANIFEST, json);
      DocumentTooLargeException.check("the rewritten manifest " + md.digest(), md.size());
      out.putManifest(md, json, null);
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
        // Only a v2 index is replaced: a v1 one (found through its subject) stays listed.
        if (SociIndexVersion.of(e) == SociIndexVersion.V2 && e.platform() != null
            && sd.platform() != null
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
    byte[] json = rewrittenIndex.toJson();
    Descriptor id = Descriptor.forContent(MediaTypes.OCI_INDEX, json);
    DocumentTooLargeException.check("the new image index " + id.digest(), id.size());
    return new Rewritten(new ConvertResult(id, sociDescriptors), json);
  }

  private static Platform configPlatform(byte[] config) throws IOException {
    Map<String, Object> c = GoJsonReader.readObject(config, "image config");
    return Platform.of(str(c.get("os")), str(c.get("architecture")), str(c.get("variant")));
  }

  private static String str(Object o) {
    return o instanceof String s ? s : "";
  }
}
