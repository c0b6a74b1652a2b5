package dev.soci.oci.image;

/** A file is larger than a whole-file read into memory accepts; stream it instead. */
public final class FileTooLargeException extends ImagePathException {
  private static final long serialVersionUID = 1L;

  private final long size;
  private final long limit;

  FileTooLargeException(String path, long size, long limit) {
    super(path, path + " is " + size + " bytes, more than the " + limit
        + " a whole-file read accepts: use openFile");
    this.size = size;
    this.limit = limit;
  }

  /** The file's size. */
  public long size() {
    return size;
  }

  /** The bound it exceeds. */
  public long limit() {
    return limit;
  }
}
