package dev.soci.oci.image;

/** A path read as a file is a directory, a device or a pipe (symbolic links were followed). */
public final class NotAFileException extends ImagePathException {
  private static final long serialVersionUID = 1L;

  /** The entry the path leads to, symbolic links followed. */
  private final ImageEntry entry;

  NotAFileException(String path, ImageEntry entry) {
    super(path, "/" + entry.path() + " is not a regular file (it is a "
        + entry.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")"
        + (entry.path().equals(MergedTree.normalize(path)) ? "" : ", reached from " + path));
    this.entry = entry;
  }

  /**
   * What the path is.
   *
   * @return the entry the path leads to, symbolic links followed: a directory or a special file
   */
  public ImageEntry entry() {
    return entry;
  }
}
