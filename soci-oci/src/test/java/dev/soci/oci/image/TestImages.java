package dev.soci.oci.image;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.build.SociIndexCreator;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.store.ContentStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Images made of given layers, stored in a content store, with or without SOCI indexes. */
public final class TestImages {
  private TestImages() {}

  /** Stores the gzip layers and a manifest over them; returns the manifest's descriptor. */
  public static Descriptor image(ContentStore store, String tag, List<byte[]> gzipLayers)
      throws IOException {
    List<Descriptor> layers = new ArrayList<>();
    for (byte[] l : gzipLayers) {
      layers.add(store.putBlob(MediaTypes.OCI_LAYER_TAR_GZIP, l));
    }
    return manifest(store, tag, layers);
  }

  /** Stores a manifest over stored layers (and its config). */
  public static Descriptor manifest(ContentStore store, String tag, List<Descriptor> layers)
      throws IOException {
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
    Descriptor cd = store.putBlob(MediaTypes.OCI_CONFIG, config);
    ImageManifest m = new ImageManifest(2, MediaTypes.OCI_MANIFEST, "", cd, layers, null, null);
    Descriptor md = m.toDescriptor();
    store.putManifest(md, m.toJson(), tag);
    return md;
  }

  /** An image index over manifests, each with a platform. */
  public static Descriptor index(ContentStore store, String tag, List<Descriptor> manifests,
      List<Platform> platforms) throws IOException {
    List<Descriptor> listed = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      listed.add(manifests.get(i).toBuilder().platform(platforms.get(i)).build());
    }
    ImageIndex idx = ImageIndex.of(listed);
    Descriptor d = idx.toDescriptor();
    store.putManifest(d, idx.toJson(), tag);
    return d;
  }

  /** Builds a v1 SOCI index for {@code manifest}: layers below {@code minLayerSize} get none. */
  public static void index(ContentStore store, Descriptor manifest, long minLayerSize, long spanSize)
      throws IOException {
    SociOptions o = SociOptions.builder().minLayerSize(minLayerSize).spanSize(spanSize).build();
    new SociIndexCreator(o, s -> { }).create(store, manifest);
  }

  /** Every layer gets a zTOC (span 64 KiB). */
  public static void indexAll(ContentStore store, Descriptor manifest) throws IOException {
    index(store, manifest, 0, 1 << 16);
  }
}
