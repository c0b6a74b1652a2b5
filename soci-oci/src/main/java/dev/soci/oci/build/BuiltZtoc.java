package dev.soci.oci.build;

import dev.soci.oci.Digest;

/**
 * A built zTOC: its serialised bytes, and what the xattr optimisation needs to know.
 *
 * @param bytes the zTOC blob
 * @param xattrFree true when no entry of the layer has extended attributes and no entry name
 *     ends in {@code .wh..wh..opq}; with {@link SociOptions#optimizeXattrs()} on, the zTOC
 *     descriptor then gets {@code com.amazon.soci.disable-xattrs: "true"}
 */
public record BuiltZtoc(byte[] bytes, boolean xattrFree) {
  /** Copies the bytes. */
  public BuiltZtoc {
    bytes = bytes.clone();
  }

  /** A copy of the zTOC bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The zTOC's sha256 digest. */
  public Digest digest() {
    return Digest.of(bytes);
  }

  /** The zTOC's size in bytes. */
  public long size() {
    return bytes.length;
  }
}
