package dev.soci.oci.image;

/** A file is larger than a whole-file read into memory accepts; stream it instead. */
public final class FileTooLargeException extends ImagePathException {
  private static final long serialVersionUID = 1L;

  /** The file's size in bytes. */
  private final long size;
  /** The most bytes the whole-file read accepts. */
  private final long limit;

  FileTooLargeException(String path, long size, long limit) {
    super(path, path + " is " + size + " bytes, more than the " + limit
        + " a whole-file read accepts: use openFile");
    this.size = size;
    this.limit = limit;
  }

  /**
   * The file's size.
   *
   * @return the file's size in bytes, as the layer's zTOC records it
   */
  public long size() {
    return size;
  }

  /**
   * The bound it exceeds.
   *
   * @return the most bytes a whole-file read accepts; {@link #size()} is larger
   */
  public long limit() {
    return limit;
  }
}
