package dev.soci.oci;

import dev.soci.core.SociException;

/**
 * Base of the errors this module raises for bad OCI input: malformed JSON, an invalid digest,
 * a missing or corrupt blob, an unsafe image layout. Catch it to tell bad data from a failing
 * disk (which surfaces as a plain {@link java.io.IOException}).
 */
public class OciException extends SociException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong with the input, in one line */
  public OciException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong with the input, in one line
   * @param cause the lower-level failure that revealed the problem
   */
  public OciException(String message, Throwable cause) {
    super(message, cause);
  }
}
