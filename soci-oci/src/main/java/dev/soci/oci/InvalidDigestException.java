package dev.soci.oci;

/** A string is not a valid OCI digest ({@code sha256:<64 hex>} or {@code sha512:<128 hex>}). */
public final class InvalidDigestException extends OciException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong with the digest, quoting it */
  public InvalidDigestException(String message) {
    super(message);
  }
}
