package dev.soci.core;

import java.io.IOException;

/**
 * Base type of every error this library raises for bad input: a corrupt or truncated layer,
 * a malformed zTOC, a digest mismatch, an unsupported tar entry.
 *
 * <p>It extends {@link IOException} because the library works on streams and files, so a
 * caller that already handles I/O failure handles these too; callers that want to tell bad
 * data from a failing disk catch this type first. Subclasses narrow the cause.
 */
public class SociException extends IOException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong with the input, in one line */
  public SociException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong with the input, in one line
   * @param cause the lower-level failure that revealed the problem
   */
  public SociException(String message, Throwable cause) {
    super(message, cause);
  }
}
