package dev.soci.oci.build;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.soci.SociIndex;
import dev.soci.oci.soci.SociIndexVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SOCI index found in an image layout, where {@code create} and {@code convert} put them:
 * v1 indexes are listed in {@code index.json} itself; v2 indexes are listed in an image index
 * that {@code index.json} lists. Both are recognised by their descriptor's {@code artifactType}.
 *
 * @param descriptor the index manifest's descriptor as listed
 * @param index the parsed (digest-verified) index
 * @param imageManifest the image manifest it serves: the subject (v1) or the {@code
 *     com.amazon.soci.image-manifest-digest} annotation (v2); null when unknown
 * @param platform the platform: the v2 descriptor's, or that of the v1 subject's entry in an
 *     image index of the layout; null when unknown
 */
public record LayoutSociIndex(
    Descriptor descriptor, SociIndex index, Digest imageManifest, Platform platform) {

  /**
   * Every SOCI index of the layout, in listing order ({@code index.json} entries, then the
   * entries of each image index it lists), each once.
   *
   * @throws dev.soci.oci.layout.BlobNotFoundException when a listed index or image index blob
   *     is missing
   * @throws OciException when one is corrupt or not a SOCI index
   */
  public static List<LayoutSociIndex> findAll(OciLayout layout) throws IOException {
    List<Descriptor> sociDescriptors = new ArrayList<>();
    Map<Digest, Platform> platforms = new LinkedHashMap<>();
    for (Descriptor d : layout.index().manifests()) {
      if (isSociIndex(d)) {
        sociDescriptors.add(d);
      } else if (MediaTypes.isIndex(d.mediaType())) {
        ImageIndex nested = layout.readImageIndex(d);
        for (Descriptor n : nested.manifests()) {
          if (isSociIndex(n)) {
            sociDescriptors.add(n);
          } else if (n.platform() != null) {
            platforms.putIfAbsent(n.digest(), n.platform());
          }
        }
      }
    }
    Map<Digest, LayoutSociIndex> found = new LinkedHashMap<>();
    for (Descriptor d : sociDescriptors) {
      if (found.containsKey(d.digest())) {
        continue;
      }
      SociIndex index = SociIndex.fromManifest(layout.readManifest(d));
      Digest manifest = null;
      Platform platform = d.platform();
      if (index.subject() != null) {
        manifest = index.subject().digest();
      } else if (d.annotations().containsKey(MediaTypes.ANNOTATION_IMAGE_MANIFEST_DIGEST)) {
        manifest = Digest.parse(d.annotations().get(MediaTypes.ANNOTATION_IMAGE_MANIFEST_DIGEST));
      }
      if (platform == null && manifest != null) {
        platform = platforms.get(manifest);
      }
      found.put(d.digest(), new LayoutSociIndex(d, index, manifest, platform));
    }
    return List.copyOf(found.values());
  }

  /** Whether a listed descriptor is a SOCI index (artifact type v1 or v2). */
  public static boolean isSociIndex(Descriptor d) {
    return SociIndexVersion.fromArtifactType(d.artifactType()) != null;
  }
}
