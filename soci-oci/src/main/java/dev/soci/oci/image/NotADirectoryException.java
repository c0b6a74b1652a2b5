package dev.soci.oci.image;

/** A path used as a directory (a component of a longer path, or listed) is something else. */
public final class NotADirectoryException extends ImagePathException {
  private static final long serialVersionUID = 1L;

  /** The normalised path, symbolic links followed, that is not a directory. */
  private final String notADirectory;

  NotADirectoryException(String path, String notADirectory, String message) {
    super(path, message);
    this.notADirectory = notADirectory;
  }

  /**
   * The normalised path, symbolic links followed, that is not a directory.
   *
   * @return that path: the one asked for, or one on the way to it once links are followed
   */
  public String notADirectory() {
    return notADirectory;
  }
}
