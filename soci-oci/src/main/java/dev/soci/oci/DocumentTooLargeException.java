package dev.soci.oci;

/**
 * A JSON document (manifest, image index, SOCI index, {@code index.json}) is larger than {@link
 * #MAX_SIZE}: refused when read, and refused before anything is stored when written, so that
 * this project never writes a layout its own readers reject.
 */
public final class DocumentTooLargeException extends OciException {
  private static final long serialVersionUID = 1L;

  /**
   * Largest JSON document read or written (16 MiB): real ones are kilobytes (registries
   * commonly refuse manifests above 4 MiB; a SOCI index reaches 16 MiB at roughly 35 000 to
   * 44 000 layers, 380 to 480 bytes per zTOC descriptor), and the bound keeps a hostile
   * descriptor from making a reader buffer and parse gigabytes of JSON.
   */
  public static final long MAX_SIZE = 16L << 20;

  private DocumentTooLargeException(String message) {
    super(message);
  }

  /**
   * The one size rule for JSON documents, shared by readers and writers.
   *
   * @param what what the document is, for the message (e.g. "SOCI index for sha256:...")
   * @param size its size in bytes
   * @throws DocumentTooLargeException when {@code size > MAX_SIZE}
   */
  public static void check(String what, long size) throws DocumentTooLargeException {
    if (size > MAX_SIZE) {
      throw new DocumentTooLargeException(what + " is " + size + " bytes: JSON documents are"
          + " limited to " + MAX_SIZE + " bytes (DocumentTooLargeException.MAX_SIZE)");
    }
  }
}
