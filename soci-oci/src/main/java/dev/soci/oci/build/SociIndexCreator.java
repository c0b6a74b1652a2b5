package dev.soci.oci.build;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.soci.SociIndex;
import dev.soci.oci.soci.SociIndexVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code create}: builds a v1 SOCI index for an image manifest in a layout directory, stores
 * the zTOCs, the {@code {}} config and the index manifest as blobs, and lists the index in
 * {@code index.json} (media type OCI manifest, artifact type SOCI v1), where a referrers
 * lookup in the layout finds it through its {@code subject}.
 */
public final class SociIndexCreator {
  private final LayerIndexer indexer;

  /** A creator using {@code builder} for zTOCs; skipped layers are reported to {@code log}. */
  public SociIndexCreator(ZtocBuilder builder, SociOptions options, Consumer<String> log) {
    this.indexer = new LayerIndexer(builder, options, log);
  }

  /**
   * Indexes the manifest {@code manifest} of {@code layout}.
   *
   * @return the descriptor of the stored index manifest, as listed in {@code index.json}
   * @throws NoZtocsException when every layer was skipped
   */
  public Descriptor create(OciLayout layout, Descriptor manifest) throws IOException {
    ImageManifest m = layout.readManifest(manifest);
    SociIndex index = indexer.index(layout, m, SociIndexVersion.V1, manifest.withoutExtras(),
        layout::putBlob);
    Descriptor d = index.toDescriptor().toBuilder()
        .artifactType(SociIndexVersion.V1.artifactType())
        .build();
    ImageIndex current = layout.index();
    List<Descriptor> entries = new ArrayList<>(current.manifests());
    entries.removeIf(e -> e.digest().equals(d.digest()));
    entries.add(d);
    layout.writeIndexJson(current.withManifests(entries));
    return d;
  }
}
