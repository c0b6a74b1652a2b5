package dev.soci.oci.build;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.DocumentTooLargeException;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.LayoutException;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.soci.SociIndex;
import dev.soci.oci.soci.SociIndexVersion;
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

  /** A creator using {@code factory} for zTOCs; skipped layers are reported to {@code log}. */
  public SociIndexCreator(ZtocFactory factory, SociOptions options, Consumer<String> log) {
    this.factory = factory;
    this.options = options;
    this.log = log;
  }

  /** A creator using {@link ZtocFactory#standard()}. */
  public SociIndexCreator(SociOptions options, Consumer<String> log) {
    this(ZtocFactory.standard(), options, log);
  }

  /**
   * Indexes the manifests of the layout's images chosen by the options' platforms: every
   * non-SOCI entry of {@code index.json} that is a manifest (skipped only when it names another
   * platform), and the matching manifests of each image index it lists.
   *
   * @return the descriptors of the stored index manifests, as listed in {@code index.json}
   * @throws LayoutException when the layout is an archive, or no manifest matches the
   *     platforms
   * @throws NoZtocsException when every layer of a chosen manifest was skipped
   * @throws DocumentTooLargeException when a SOCI index or the new {@code index.json} would
   *     exceed the readers' bound; the layout is then left unchanged
   */
  public List<Descriptor> create(OciLayout layout) throws IOException {
    Map<Digest, Descriptor> chosen = new LinkedHashMap<>();
    for (Descriptor d : layout.index().manifests()) {
      if (LayoutSociIndex.isSociIndex(d)) {
        continue;
      }
      if (MediaTypes.isManifest(d.mediaType())) {
        if (d.platform() == null || options.allPlatforms() || matches(d)) {
          chosen.putIfAbsent(d.digest(), d);
        }
      } else if (MediaTypes.isIndex(d.mediaType())) {
        for (Descriptor m : layout.readImageIndex(d).manifests()) {
          if (MediaTypes.isManifest(m.mediaType()) && !LayoutSociIndex.isSociIndex(m)
              && (options.allPlatforms() || matches(m))) {
            chosen.putIfAbsent(m.digest(), m);
          }
        }
      }
    }
    if (chosen.isEmpty()) {
      throw new LayoutException("no manifest in " + layout.path() + " matches platforms "
          + options.platforms());
    }
    return createAll(layout, List.copyOf(chosen.values()));
  }

  /**
   * Indexes the manifest {@code manifest} of {@code layout}.
   *
   * @return the descriptor of the stored index manifest, as listed in {@code index.json}
   * @throws NoZtocsException when every layer was skipped
   */
  public Descriptor create(OciLayout layout, Descriptor manifest) throws IOException {
    return createAll(layout, List.of(manifest)).get(0);
  }

  private List<Descriptor> createAll(OciLayout layout, List<Descriptor> manifests)
      throws IOException {
    if (!layout.isDirectory()) {
      throw new LayoutException(layout.path() + " is a layout archive; create needs a layout "
          + "directory (convert writes a new layout from an archive)");
    }
    ExistingZtocs existing = options.force() ? ExistingZtocs.NONE : ExistingZtocs.scan(layout);
    Map<Digest, Descriptor> pending = new LinkedHashMap<>();
    Map<Digest, byte[]> content = new LinkedHashMap<>();
    List<Descriptor> indexes = new ArrayList<>();
    try (ManifestIndexer indexer = new ManifestIndexer(factory, options, log, existing)) {
      for (Descriptor manifest : manifests) {
      ImageManifest m = layout.readManifest(manifest);
      SociIndex index = indexer.index(layout, m, SociIndexVersion.V1, manifest.withoutExtras(),
          (mediaType, bytes) -> {
            Descriptor d = Descriptor.forContent(mediaType, bytes);
            pending.putIfAbsent(d.digest(), d);
            content.putIfAbsent(d.digest(), bytes);
          });
      indexes.add(index.toDescriptor().toBuilder()
          .artifactType(SociIndexVersion.V1.artifactType())
          .build());
      }
      indexer.reportUnmatchedPrefetchPaths();
    }
    store(layout, pending, content, indexes);
    return List.copyOf(indexes);
  }

  private static void store(OciLayout layout, Map<Digest, Descriptor> pending,
      Map<Digest, byte[]> content, List<Descriptor> indexes) throws IOException {
    // Under the layout's lock, from index.json as it is now: another create may have
    // committed since this one started, and its entries must survive ours.
    try (java.io.Closeable lock = layout.lockForUpdate()) {
      storeLocked(layout, pending, content, indexes);
    }
  }

  private static void storeLocked(OciLayout layout, Map<Digest, Descriptor> pending,
      Map<Digest, byte[]> content, List<Descriptor> indexes) throws IOException {
    ImageIndex current = layout.index();
    List<Descriptor> entries = new ArrayList<>(current.manifests());
    for (Descriptor d : indexes) {
      entries.removeIf(e -> e.digest().equals(d.digest()));
      entries.add(d);
    }
    ImageIndex updated = current.withManifests(entries);
    // Before any blob is stored: an index.json its readers would refuse is never written.
    DocumentTooLargeException.check("the new index.json of " + layout.path(),
        updated.toJson().length);
    List<Digest> added = new ArrayList<>();
    boolean done = false;
    try {
      for (Descriptor d : pending.values()) {
        if (!layout.hasBlob(d.digest())) {
          layout.putBlob(d.mediaType(), content.get(d.digest()));
          added.add(d.digest());
        }
      }
      layout.writeIndexJson(updated);
      done = true;
    } finally {
      if (!done) {
        for (Digest d : added) {
          try {
            layout.deleteBlob(d);
          } catch (IOException | RuntimeException e) {
            // best effort: the original failure is the one to report
          }
        }
      }
    }
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
}
