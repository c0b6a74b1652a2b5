package dev.soci.oci;

/**
 * A JSON document (manifest, index, {@code index.json}, prefetch artifact) is not well formed,
 * has a field of the wrong type, or lacks a required field.
 */
public final class MalformedJsonException extends OciException {
  private static final long serialVersionUID = 1L;

  public MalformedJsonException(String message) {
    super(message);
  }

  public MalformedJsonException(String message, Throwable cause) {
    super(message, cause);
  }
}
