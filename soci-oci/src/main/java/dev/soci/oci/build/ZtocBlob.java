package dev.soci.oci.build;

import dev.soci.oci.Digest;
import dev.soci.oci.InvalidDigestException;
import dev.soci.ztoc.BuiltZtoc;
import dev.soci.ztoc.TocEntry;
import dev.soci.ztoc.ZtocFormatException;
import dev.soci.ztoc.ZtocView;
import java.util.Arrays;
import java.util.List;

/**
 * A zTOC ready to store: its serialised bytes, their digest, and what the xattr optimisation
 * needs to know. The bytes are held once (never handed out writable) and the digest is computed
 * once, or taken from the build that computed it, rather than on every call.
 */
public final class ZtocBlob {
  /** The opaque-whiteout marker; a layer holding one cannot skip xattrs. */
  static final String OPAQUE_WHITEOUT = ".wh..wh..opq";

  private final byte[] bytes;
  private final Digest digest;
  private final boolean xattrFree;
  private volatile ZtocView view;

  /**
   * A zTOC given as bytes (copied).
   *
   * @param bytes the zTOC blob
   * @param xattrFree true when no entry of the layer has extended attributes and no entry name
   *     ends in {@code .wh..wh..opq}; with {@link SociOptions#optimizeXattrs()} on, the zTOC
   *     descriptor then gets {@code com.amazon.soci.disable-xattrs: "true"}
   */
  public ZtocBlob(byte[] bytes, boolean xattrFree) {
    this(bytes.clone(), Digest.of(bytes), xattrFree, null);
  }

  private ZtocBlob(byte[] owned, Digest digest, boolean xattrFree, ZtocView view) {
    this.bytes = owned;
    this.digest = digest;
    this.xattrFree = xattrFree;
    this.view = view;
  }

  /**
   * Reads an existing zTOC (for instance one being reused), validating it and computing
   * {@link #xattrFree()} from its entries.
   *
   * @param ztoc the serialised zTOC (copied, so the caller may reuse the array)
   * @return the zTOC, its digest computed from {@code ztoc}
   * @throws ZtocFormatException when the bytes are not a valid zTOC
   */
  public static ZtocBlob of(byte[] ztoc) throws ZtocFormatException {
    byte[] owned = ztoc.clone();
    ZtocView view = ZtocView.open(owned);
    return new ZtocBlob(owned, Digest.of(owned), xattrFree(view.entries()), view);
  }

  /**
   * A zTOC just built: its bytes, the digest the build computed, and its entries' xattr facts.
   *
   * @param built the builder's result (its bytes, already a copy, are kept without another)
   * @return the zTOC, with the digest the build computed rather than a second hashing pass
   */
  public static ZtocBlob of(BuiltZtoc built) {
    Digest d;
    try {
      d = Digest.parse(built.digest());
    } catch (InvalidDigestException e) {
      throw new IllegalStateException("the zTOC builder gave a malformed digest", e);
    }
    return new ZtocBlob(built.bytes(), d, xattrFree(built.entries()), null);
  }

  /**
   * Whether entries qualify for the xattr optimisation: none has a {@code SCHILY.xattr.} PAX
   * record and no name ends in {@code .wh..wh..opq}.
   *
   * @param entries a layer's zTOC entries
   * @return true when none of {@code entries} has an xattr or is an opaque whiteout
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

  /**
   * A copy of the zTOC bytes.
   *
   * @return a fresh copy of the serialised zTOC, the caller's to modify
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The zTOC bytes themselves, for this package's writers: never modified. */
  byte[] array() {
    return bytes;
  }

  /**
   * The zTOC opened for reading, validated on the first call and then kept.
   *
   * @return a view over this zTOC's bytes, kept for later calls
   * @throws ZtocFormatException when the bytes are not a valid zTOC
   */
  public ZtocView view() throws ZtocFormatException {
    ZtocView v = view;
    if (v == null) {
      v = ZtocView.open(bytes);
      view = v;
    }
    return v;
  }

  /**
   * Whether the layer qualifies for the xattr optimisation; see the constructor.
   *
   * @return true when no entry has extended attributes or is an opaque whiteout
   */
  public boolean xattrFree() {
    return xattrFree;
  }

  /**
   * The zTOC's sha256 digest.
   *
   * @return the sha256 digest of {@link #bytes()}, the zTOC blob's digest in a store
   */
  public Digest digest() {
    return digest;
  }

  /**
   * The zTOC's size in bytes.
   *
   * @return the length of the serialised zTOC, in bytes
   */
  public long size() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ZtocBlob z && z.xattrFree == xattrFree && Arrays.equals(z.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes) * 31 + Boolean.hashCode(xattrFree);
  }

  @Override
  public String toString() {
    return "ZtocBlob[" + digest + ", " + bytes.length + " bytes, xattrFree=" + xattrFree + "]";
  }
}
