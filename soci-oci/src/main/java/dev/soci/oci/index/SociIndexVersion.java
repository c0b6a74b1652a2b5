package dev.soci.oci.index;

import dev.soci.oci.Descriptor;
import dev.soci.oci.MediaTypes;

/**
 * The two SOCI index flavours, told apart by the index manifest's config media type, which a
 * listing (an image index, {@code index.json}, a referrers response) repeats as the entry's
 * {@code artifactType}.
 *
 * <p>This is the one rule for "is this listed descriptor a SOCI index" ({@link #of(Descriptor)}):
 * create, convert, the finders and the image reader all ask it. An entry of either version is
 * a SOCI index, never an image to index or read (convert keeps one it finds as it is). Only
 * convert's replacement of an older index for the same platform is specific to {@link #V2}, as
 * in the reference: a v1 index is found through its subject, not through the image index.
 */
public enum SociIndexVersion {
  /** Index manifest with a {@code subject}, found through the referrers API ({@code create}). */
  V1(MediaTypes.SOCI_INDEX_V1),
  /** Index listed in a rewritten image index, no subject ({@code convert}). */
  V2(MediaTypes.SOCI_INDEX_V2);

  private final String artifactType;

  SociIndexVersion(String artifactType) {
    this.artifactType = artifactType;
  }

  /**
   * The artifact type, which is also the index manifest's config media type.
   *
   * @return the media type that marks this version, e.g. {@link MediaTypes#SOCI_INDEX_V2}
   */
  public String artifactType() {
    return artifactType;
  }

  /**
   * The version of the SOCI index a listed descriptor names by its {@code artifactType}, or
   * null when it is not a SOCI index.
   *
   * @param listed a descriptor from an image index, {@code index.json} or a referrers response
   * @return {@link #V1}, {@link #V2}, or null
   */
  public static SociIndexVersion of(Descriptor listed) {
    return fromArtifactType(listed.artifactType());
  }

  /**
   * Whether a listed descriptor is a SOCI index (artifact type v1 or v2).
   *
   * @param listed a descriptor from an image index, {@code index.json} or a referrers response
   * @return {@code true} when its artifact type is a SOCI index's, of either version
   */
  public static boolean isSociIndex(Descriptor listed) {
    return of(listed) != null;
  }

  /**
   * Whether a listed descriptor is an image's manifest: a manifest media type, and not a SOCI
   * index (whose media type is the OCI manifest's too).
   *
   * @param listed a descriptor from an image index, {@code index.json} or a referrers response
   * @return {@code true} for an image manifest that is not a SOCI index
   */
  public static boolean isImageManifest(Descriptor listed) {
    return MediaTypes.isManifest(listed.mediaType()) && !isSociIndex(listed);
  }

  /**
   * The version whose artifact type is {@code mediaType}, or null.
   *
   * @param mediaType an artifact type or config media type; may be null
   * @return the version it marks, or null when it marks none
   */
  public static SociIndexVersion fromArtifactType(String mediaType) {
    for (SociIndexVersion v : values()) {
      if (v.artifactType.equals(mediaType)) {
        return v;
      }
    }
    return null;
  }
}
