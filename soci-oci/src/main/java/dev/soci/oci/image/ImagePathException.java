package dev.soci.oci.image;

import dev.soci.oci.OciException;

/**
 * A path of an image's merged tree cannot be used as asked: it does not exist, a component is
 * not a directory, it is not a regular file, too many symbolic links, too long. The subclasses
 * say which, so that a {@code java.nio} file system can map them to its own exceptions; this
 * class itself is thrown for a path longer than {@link SociImage#MAX_PATH_BYTES}.
 */
public class ImagePathException extends OciException {
  private static final long serialVersionUID = 1L;

  /** The path as the caller gave it, not normalised. */
  private final String path;

  /**
   * An error about {@code path} (as the caller gave it), with a one-line message.
   *
   * @param path the path as the caller gave it, kept as {@link #path()}
   * @param message the one-line message
   */
  public ImagePathException(String path, String message) {
    super(message);
    this.path = path;
  }

  /**
   * The path as the caller gave it.
   *
   * @return the path exactly as the caller gave it (not normalised, links not followed)
   */
  public String path() {
    return path;
  }
}
