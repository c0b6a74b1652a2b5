package dev.soci.oci.build;

import dev.soci.oci.OciException;

/** Every layer of a manifest was skipped, so there is no index to build ("no ztocs created"). */
public final class NoZtocsException extends OciException {
  private static final long serialVersionUID = 1L;

  /**
   * With a one-line message.
   *
   * @param message the one-line message (the reference's "no ztocs created" wording)
   */
  public NoZtocsException(String message) {
    super(message);
  }
}
