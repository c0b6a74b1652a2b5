package dev.soci.oci.index;

import dev.soci.oci.MediaTypes;

/** The two SOCI index flavours, told apart by the index manifest's config media type. */
public enum SociIndexVersion {
  /** Index manifest with a {@code subject}, found through the referrers API ({@code create}). */
  V1(MediaTypes.SOCI_INDEX_V1),
  /** Index listed in a rewritten image index, no subject ({@code convert}). */
  V2(MediaTypes.SOCI_INDEX_V2);

  private final String artifactType;

  SociIndexVersion(String artifactType) {
    this.artifactType = artifactType;
  }

  /** The artifact type, which is also the index manifest's config media type. */
  public String artifactType() {
    return artifactType;
  }

  /** The version whose artifact type is {@code mediaType}, or null. */
  public static SociIndexVersion fromArtifactType(String mediaType) {
    for (SociIndexVersion v : values()) {
      if (v.artifactType.equals(mediaType)) {
        return v;
      }
    }
    return null;
  }
}
