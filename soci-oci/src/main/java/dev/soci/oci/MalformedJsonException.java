package dev.soci.oci;

/**
 * A JSON document (manifest, index, {@code index.json}, prefetch artifact) is not well formed,
 * has a field of the wrong type, or lacks a required field.
 */
public final class MalformedJsonException extends OciException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong with the document, in one line */
  public MalformedJsonException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong with the document, in one line
   * @param cause the parse error behind it (JSON syntax, base64 data)
   */
  public MalformedJsonException(String message, Throwable cause) {
    super(message, cause);
  }
}
