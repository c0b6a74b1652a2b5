package dev.soci.oci.internal;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import java.util.List;

/**
 * Helpers for the OCI referrers API, through which registries return SOCI v1 indexes (their
 * {@code subject} is the image manifest).
 */
public final class Referrers {
  private Referrers() {}

  /**
   * A referrers response as a registry builds it: an OCI image index listing {@code referrers},
   * keeping only those whose {@code artifactType} equals {@code artifactType} (all of them when
   * it is null or empty).
   */
  public static ImageIndex response(List<Descriptor> referrers, String artifactType) {
    return ImageIndex.of(filter(referrers, artifactType));
  }

  /** Filters a referrers response by artifact type, as the {@code ?artifactType=} query does. */
  public static ImageIndex filter(ImageIndex response, String artifactType) {
    return response.withManifests(filter(response.manifests(), artifactType));
  }

  private static List<Descriptor> filter(List<Descriptor> all, String artifactType) {
    if (artifactType == null || artifactType.isEmpty()) {
      return all;
    }
    return all.stream().filter(d -> d.artifactType().equals(artifactType)).toList();
  }

  /**
   * The {@code artifactType} a referrers listing gives manifest {@code m}: its own, else its
   * config's media type (OCI distribution 1.1; a SOCI v1 index has only the latter).
   */
  public static String artifactType(ImageManifest m) {
    return !m.artifactType().isEmpty() ? m.artifactType() : m.config().mediaType();
  }

  /**
   * The tag a registry without the referrers API uses to hold the referrers of {@code subject}:
   * {@code <algorithm>-<hex>}, e.g. {@code sha256-abc...}.
   */
  public static String fallbackTag(Digest subject) {
    return subject.algorithm() + "-" + subject.hex();
  }
}
