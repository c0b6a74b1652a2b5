package dev.soci.ztoc;

import dev.soci.core.SociException;

/**
 * A zTOC's bytes do not have the digest the caller expected (for example the one a SOCI index
 * records for it): it is damaged or not the zTOC that was asked for, and it was not parsed.
 */
public final class ZtocDigestMismatchException extends SociException {
  private static final long serialVersionUID = 1L;

  /** The digest asked for. */
  private final String expected;
  /** The digest of the bytes. */
  private final String actual;

  /**
   * @param what where the zTOC came from (a file name, "zTOC")
   * @param expected the digest asked for
   * @param actual the digest of the bytes
   */
  public ZtocDigestMismatchException(String what, String expected, String actual) {
    super(what + " has digest " + actual + " but " + expected + " was expected");
    this.expected = expected;
    this.actual = actual;
  }

  /**
   * The digest asked for.
   *
   * @return the expected digest, {@code sha256:<64 lowercase hex>}
   */
  public String expected() {
    return expected;
  }

  /**
   * The digest of the bytes.
   *
   * @return the SHA-256 digest of the zTOC's bytes, {@code sha256:<64 lowercase hex>}
   */
  public String actual() {
    return actual;
  }
}
