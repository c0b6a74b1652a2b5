package dev.soci.oci.image;

import java.util.OptionalInt;

/**
 * No such path in the image's merged tree; when a whiteout (or an opaque directory) of an upper
 * layer hid what a lower layer had there, {@link #deletedInLayer()} says which layer.
 */
public final class PathNotFoundException extends ImagePathException {
  private static final long serialVersionUID = 1L;

  /** The first path that does not exist on the way (normalised, symbolic links followed). */
  private final String missing;
  /** The layer whose whiteout removed {@link #missing}, or -1 when none did. */
  private final int deletedInLayer;

  /**
   * @param path the path asked for
   * @param missing the first path that does not exist on the way, symbolic links followed (it
   *     is {@code path} itself when only the last component is missing)
   * @param deletedInLayer the layer whose whiteout removed {@code missing}, or -1
   * @param message the one-line message
   */
  PathNotFoundException(String path, String missing, int deletedInLayer, String message) {
    super(path, message);
    this.missing = missing;
    this.deletedInLayer = deletedInLayer;
  }

  /**
   * The first path that does not exist on the way (normalised, symbolic links followed).
   *
   * @return that path; the path asked for itself when only its last component is missing
   */
  public String missing() {
    return missing;
  }

  /**
   * The layer (index in the manifest, 0 the bottom) whose whiteout removed it, if one did.
   *
   * @return that layer's index, or empty when the path was never there
   */
  public OptionalInt deletedInLayer() {
    return deletedInLayer < 0 ? OptionalInt.empty() : OptionalInt.of(deletedInLayer);
  }
}
