package dev.soci.oci.image;

/** A path used as a directory (a component of a longer path, or listed) is something else. */
public final class NotADirectoryException extends ImagePathException {
  private static final long serialVersionUID = 1L;

  private final String notADirectory;

  NotADirectoryException(String path, String notADirectory, String message) {
    super(path, message);
    this.notADirectory = notADirectory;
  }

  /** The normalised path, symbolic links followed, that is not a directory. */
  public String notADirectory() {
    return notADirectory;
  }
}
