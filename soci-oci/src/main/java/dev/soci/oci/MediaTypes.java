package dev.soci.oci;

/**
 * Media types, artifact types and annotation keys used by OCI images and SOCI.
 *
 * <p>Constants only; {@link LayerCompression#of(String)} classifies layer media types.
 */
public final class MediaTypes {
  private MediaTypes() {}

  // --- OCI image spec ---

  /** OCI image manifest. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image index. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** OCI image config. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** OCI empty descriptor / empty JSON config ({@code {}}). */
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  /** OCI uncompressed tar layer. */
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

  /** OCI gzip-compressed tar layer. */
  public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** OCI zstd-compressed tar layer. */
  public static final String OCI_LAYER_TAR_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  /** OCI non-distributable uncompressed tar layer (deprecated by the spec, still seen). */
  public static final String OCI_LAYER_NONDISTRIBUTABLE_TAR =
      "application/vnd.oci.image.layer.nondistributable.v1.tar";

  /** OCI non-distributable gzip tar layer. */
  public static final String OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

  /** OCI non-distributable zstd tar layer. */
  public static final String OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

  // --- Docker image manifest v2 schema 2 ---

  /** Docker v2 schema 2 manifest. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker manifest list (the Docker counterpart of an OCI image index). */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Docker image config. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Docker gzip tar layer. */
  public static final String DOCKER_LAYER_TAR_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Docker uncompressed tar layer (SOCI skips it, like the reference). */
  public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";

  /** Docker foreign (non-distributable) gzip layer. */
  public static final String DOCKER_FOREIGN_LAYER_TAR_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  // --- SOCI ---

  /** SOCI index v1 artifact type (index manifest with a {@code subject}, found via referrers). */
  public static final String SOCI_INDEX_V1 = "application/vnd.amazon.soci.index.v1+json";

  /** SOCI index v2 artifact type (SOCI-enabled image produced by convert, no subject). */
  public static final String SOCI_INDEX_V2 = "application/vnd.amazon.soci.index.v2+json";

  /** Media type of a zTOC blob. */
  public static final String ZTOC = "application/octet-stream";

  /** Media type of a SOCI prefetch artifact. */
  public static final String SOCI_PREFETCH = "application/vnd.amazon.soci.prefetch.v1+json";

  // --- annotation keys ---

  /** On a zTOC or prefetch descriptor: digest of the image layer it indexes. */
  public static final String ANNOTATION_IMAGE_LAYER_DIGEST = "com.amazon.soci.image-layer-digest";

  /** On a zTOC descriptor: media type of the image layer it indexes. */
  public static final String ANNOTATION_IMAGE_LAYER_MEDIA_TYPE =
      "com.amazon.soci.image-layer-mediaType";

  /** On a zTOC descriptor: span size in bytes, as a decimal string. */
  public static final String ANNOTATION_SPAN_SIZE = "com.amazon.soci.span-size";

  /** On a zTOC descriptor: {@code "true"} when the layer needs no xattr lookups. */
  public static final String ANNOTATION_DISABLE_XATTRS = "com.amazon.soci.disable-xattrs";

  /** On a SOCI index manifest: the tool that built it. */
  public static final String ANNOTATION_BUILD_TOOL_IDENTIFIER =
      "com.amazon.soci.build-tool-identifier";

  /** On a converted image manifest (v2): digest of its SOCI index. */
  public static final String ANNOTATION_INDEX_DIGEST = "com.amazon.soci.index-digest";

  /** On a v2 SOCI index descriptor in an image index: digest of the manifest it indexes. */
  public static final String ANNOTATION_IMAGE_MANIFEST_DIGEST =
      "com.amazon.soci.image-manifest-digest";

  /** OCI annotation naming a reference (tag) in an image layout's {@code index.json}. */
  public static final String ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";

  /**
   * Whether {@code mediaType} is a single-image manifest (OCI or Docker v2).
   *
   * @param mediaType a descriptor's media type; may be null
   * @return {@code true} for the OCI and Docker v2 image manifest media types
   */
  public static boolean isManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  /**
   * Whether {@code mediaType} is a multi-image index (OCI index or Docker manifest list).
   *
   * @param mediaType a descriptor's media type; may be null
   * @return {@code true} for the OCI image index and Docker manifest list media types
   */
  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }
}
