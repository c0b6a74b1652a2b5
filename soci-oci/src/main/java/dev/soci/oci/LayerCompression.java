package dev.soci.oci;

/**
 * How an image layer blob is compressed, as decided from its media type alone (the reference
 * never sniffs layer bytes). SOCI can index {@link #GZIP} and {@link #UNCOMPRESSED} layers.
 */
public enum LayerCompression {
  /** gzip-compressed tar: OCI {@code tar+gzip}, Docker {@code rootfs.diff.tar.gzip}, non-distributable gzip. */
  GZIP,
  /** Plain tar: OCI {@code layer.v1.tar} (and its non-distributable twin). */
  UNCOMPRESSED,
  /** zstd-compressed tar: not indexable by SOCI. */
  ZSTD,
  /**
   * A layer type SOCI does not index, e.g. the Docker uncompressed layer type, which the
   * reference treats as unsupported and skips.
   */
  UNSUPPORTED,
  /** Not a layer media type at all (building an index over it is an error). */
  NOT_A_LAYER;

  /**
   * Classifies a layer media type.
   *
   * @param mediaType the layer descriptor's media type; may be null
   * @return the layer's compression, {@link #NOT_A_LAYER} for null or any other media type
   */
  public static LayerCompression of(String mediaType) {
    if (mediaType == null) {
      return NOT_A_LAYER;
    }
    switch (mediaType) {
      case MediaTypes.OCI_LAYER_TAR_GZIP:
      case MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP:
      case MediaTypes.DOCKER_LAYER_TAR_GZIP:
      case MediaTypes.DOCKER_FOREIGN_LAYER_TAR_GZIP:
        return GZIP;
      case MediaTypes.OCI_LAYER_TAR:
      case MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR:
        return UNCOMPRESSED;
      case MediaTypes.OCI_LAYER_TAR_ZSTD:
      case MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD:
        return ZSTD;
      case MediaTypes.DOCKER_LAYER_TAR:
        return UNSUPPORTED;
      default:
        return NOT_A_LAYER;
    }
  }

  /**
   * Whether SOCI can build a zTOC for this kind of layer.
   *
   * @return {@code true} for {@link #GZIP} and {@link #UNCOMPRESSED}
   */
  public boolean indexable() {
    return this == GZIP || this == UNCOMPRESSED;
  }
}
