package dev.soci.ztoc;

import dev.soci.core.SociException;

/**
 * A path given to {@link ZtocView#resolve}, or a link target met while resolving it, is longer
 * than {@link ZtocView#MAX_PATH_BYTES} (Linux's {@code PATH_MAX}, where the kernel would fail with
 * {@code ENAMETOOLONG}).
 */
public final class PathTooLongException extends SociException {
  private static final long serialVersionUID = 1L;

  /**
   * @param what "path" or "link target of ..."
   * @param length its length in bytes
   */
  public PathTooLongException(String what, int length) {
    super(what + " is " + length + " bytes, longer than the limit of " + ZtocView.MAX_PATH_BYTES
        + " (PATH_MAX)");
  }
}
