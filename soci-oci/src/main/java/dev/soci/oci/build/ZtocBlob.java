package dev.soci.oci.build;

import dev.soci.oci.Digest;
import dev.soci.ztoc.TocEntry;
import dev.soci.ztoc.ZtocFormatException;
import dev.soci.ztoc.ZtocView;
import java.util.List;

/**
 * A zTOC ready to store: its serialised bytes, and what the xattr optimisation needs to know.
 *
 * @param bytes the zTOC blob
 * @param xattrFree true when no entry of the layer has extended attributes and no entry name
 *     ends in {@code .wh..wh..opq}; with {@link SociOptions#optimizeXattrs()} on, the zTOC
 *     descriptor then gets {@code com.amazon.soci.disable-xattrs: "true"}
 */
public record ZtocBlob(byte[] bytes, boolean xattrFree) {
  /** The opaque-whiteout marker; a layer holding one cannot skip xattrs. */
  static final String OPAQUE_WHITEOUT = ".wh..wh..opq";

  /** Copies the bytes. */
  public ZtocBlob {
    bytes = bytes.clone();
  }

  /**
   * Reads an existing zTOC (for instance one being reused), validating it and computing
   * {@link #xattrFree()} from its entries.
   *
   * @throws ZtocFormatException when the bytes are not a valid zTOC
   */
  public static ZtocBlob of(byte[] ztoc) throws ZtocFormatException {
    ZtocView view = ZtocView.open(ztoc.clone());
    return new ZtocBlob(ztoc, xattrFree(view.entries()));
  }

  /**
   * Whether entries qualify for the xattr optimisation: none has a {@code SCHILY.xattr.} PAX
   * record and no name ends in {@code .wh..wh..opq}.
   */
  public static boolean xattrFree(List<TocEntry> entries) {
    for (TocEntry e : entries) {
      if (e.name().endsWith(OPAQUE_WHITEOUT)) {
        return false;
      }
      if (!e.xattrs().isEmpty()) {
        return false;
      }
    }
    return true;
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
