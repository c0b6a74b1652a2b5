package dev.soci.oci.build;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.DocumentTooLargeException;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.store.ContentStore;
import dev.soci.oci.store.TransferProgress;
import dev.soci.oci.layout.LayoutException;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.index.SociIndex;
import dev.soci.oci.index.SociIndexVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code create}: builds v1 SOCI indexes for image manifests in a layout directory, stores the
 * zTOCs, prefetch artifacts, the {@code {}} config and the index manifests as blobs, and lists
 * each index in {@code index.json} (media type OCI manifest, artifact type SOCI v1), where a
 * referrers lookup in the layout finds it through its {@code subject}.
 *
 * <p>zTOCs the layout already holds for the same layer and span size (found through the SOCI
 * indexes it lists) are reused rather than rebuilt, unless {@link SociOptions#force()}.
 *
 * <p>The layout is changed only when every chosen manifest was indexed: new blobs are held in
 * memory (zTOCs are small next to their layers) until then, and removed again if storing them
 * or {@code index.json} fails.
 *
 * <p>Concurrent creates on one layout (threads or processes) build in parallel and commit one
 * at a time: each stores its blobs and rewrites {@code index.json} under the layout's lock
 * ({@link OciLayout#lockForUpdate()}), from {@code index.json} as it is then, so none loses
 * another's index.
 */
public final class SociIndexCreator {
  private final ZtocFactory factory;
  private final SociOptions options;
  private final Consumer<String> log;
  private final TransferProgress progress;

  /**
   * A creator using {@code factory} for zTOCs; skipped layers are reported to {@code log}.
   *
   * @param factory builds each layer's zTOC
   * @param options span size, platforms, thread count and the other build options
   * @param log told, one line each, about skipped layers and prefetch paths matching nothing
   */
  public SociIndexCreator(ZtocFactory factory, SociOptions options, Consumer<String> log) {
    this(factory, options, log, TransferProgress.NONE);
  }

  private SociIndexCreator(ZtocFactory factory, SociOptions options, Consumer<String> log,
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
   * @return a new creator with this one's factory, options and log; this one is unchanged
   */
  public SociIndexCreator withProgress(TransferProgress progress) {
    return new SociIndexCreator(factory, options, log, progress);
  }

  /**
   * A creator using {@link ZtocFactory#standard()}.
   *
   * @param options span size, platforms, thread count and the other build options
   * @param log told, one line each, about skipped layers and prefetch paths matching nothing
   */
  public SociIndexCreator(SociOptions options, Consumer<String> log) {
    this(ZtocFactory.standard(), options, log);
  }

  /**
   * Indexes the manifests of the layout's images chosen by the options' platforms: every
   * non-SOCI entry of {@code index.json} that is a manifest (skipped only when it names another
   * platform), and the matching manifests of each image index it lists.
   *
   * @param layout the layout directory to index and add the indexes to
   * @return the descriptors of the stored index manifests, as listed in {@code index.json}
   * @throws LayoutException when the layout is an archive, or no manifest matches the
   *     platforms
   * @throws NoZtocsException when every layer of a chosen manifest was skipped
   * @throws DocumentTooLargeException when a SOCI index or the new {@code index.json} would
   *     exceed the readers' bound; the layout is then left unchanged
   * @throws IOException when the layout cannot be read or is invalid, a layer fails to index,
   *     or storing the new content fails (then it is removed again)
   */
  public List<Descriptor> create(OciLayout layout) throws IOException {
    Map<Digest, Descriptor> chosen = new LinkedHashMap<>();
    for (Descriptor d : layout.index().manifests()) {
      if (SociIndexVersion.isImageManifest(d)) {
        if (ManifestChoice.chosenAtTop(options, d)) {
          chosen.putIfAbsent(d.digest(), d);
        }
      } else if (MediaTypes.isIndex(d.mediaType())) {
        for (Descriptor m : ManifestChoice.of(layout.readImageIndex(d), options)) {
          chosen.putIfAbsent(m.digest(), m);
        }
      }
    }
    if (chosen.isEmpty()) {
      throw new LayoutException("no manifest in " + layout.path() + " matches platforms "
          + options.platforms());
    }
    requireWritable(layout);
    return createAll(layout, layout.index().manifests(), List.copyOf(chosen.values()));
  }

  /**
   * Indexes the manifest {@code manifest} of {@code layout}.
   *
   * @param layout the layout directory holding the manifest
   * @param manifest the descriptor of an image manifest of {@code layout}
   * @return the descriptor of the stored index manifest, as listed in {@code index.json}
   * @throws NoZtocsException when every layer was skipped
   * @throws IOException when the layout is an archive, cannot be read or is invalid, a layer
   *     fails to index, or storing the new content fails
   */
  public Descriptor create(OciLayout layout, Descriptor manifest) throws IOException {
    requireWritable(layout);
    return createAll(layout, List.of(manifest), List.of(manifest)).get(0);
  }

  /**
   * Indexes the image {@code image} of any store (a registry repository, a layout, memory):
   * the image itself when it is a manifest, else the manifests its index lists for the
   * options' platforms. Each v1 index is published as a referrer of its manifest, after its
   * zTOCs, prefetch artifacts and config ({@link ContentStore#publishReferrers}).
   *
   * @param store the store holding the image; it must take new content
   * @param image the descriptor of the image: a manifest or an image index
   * @return the descriptors of the index manifests, as listed among the referrers
   * @throws OciException when no manifest matches the platforms
   * @throws NoZtocsException when every layer of a chosen manifest was skipped
   * @throws IOException when the store is read-only, cannot be read or holds invalid
   *     documents, a layer fails to index, or publishing fails (file system or network)
   */
  public List<Descriptor> create(ContentStore store, Descriptor image) throws IOException {
    requireWritable(store);
    List<Descriptor> chosen = new ArrayList<>();
    if (MediaTypes.isManifest(image.mediaType())) {
      if (SociIndexVersion.isSociIndex(image)) {
        throw new OciException(image.digest() + " of " + store.name()
            + " is a SOCI index, not an image");
      }
      chosen.add(image);
    } else if (MediaTypes.isIndex(image.mediaType())) {
      chosen.addAll(ManifestChoice.of(store.readImageIndex(image), options));
      if (chosen.isEmpty()) {
        throw new OciException("no manifest of " + store.name() + " " + image.digest()
            + " matches platforms " + options.platforms());
      }
    } else {
      throw new OciException(image.digest() + " of " + store.name() + " has media type \""
          + image.mediaType() + "\": not an image manifest or index");
    }
    return createAll(store, List.of(image), chosen);
  }

  private static void requireWritable(ContentStore store) throws LayoutException {
    if (store.readOnlyReason().isPresent()) {
      throw new LayoutException(store.readOnlyReason().get() + "; create needs a layout "
          + "directory (convert writes a new layout from an archive)");
    }
  }

  /** Builds the indexes of {@code manifests} (of the images {@code images}) and publishes them. */
  private List<Descriptor> createAll(ContentStore store, List<Descriptor> images,
      List<Descriptor> manifests) throws IOException {
    ExistingZtocs existing = ExistingZtocs.NONE;
    if (!options.force()) {
      existing = ExistingZtocs.scan(store, images);
    }
    Map<Digest, ContentStore.Content> content = new LinkedHashMap<>();
    List<Descriptor> indexes = new ArrayList<>();
    try (ManifestIndexer indexer = new ManifestIndexer(factory, options, log, existing, progress)) {
      for (Descriptor manifest : manifests) {
        ImageManifest m = store.readManifest(manifest);
        SociIndex index = indexer.index(store, m, SociIndexVersion.V1, manifest.withoutExtras(),
            (mediaType, bytes) -> {
              ContentStore.Content c = ContentStore.Content.of(mediaType, bytes);
              content.putIfAbsent(c.descriptor().digest(), c);
            });
        indexes.add(index.toDescriptor().toBuilder()
            .artifactType(SociIndexVersion.V1.artifactType())
            .build());
      }
      indexer.reportUnmatchedPrefetchPaths();
    }
    store.publishReferrers(new ArrayList<>(content.values()), indexes);
    return List.copyOf(indexes);
  }

}
