package dev.soci.ztoc;

import dev.soci.core.SociException;

/**
 * A path asked of a {@link LayerReader} is not in the zTOC, or does not resolve to a regular file
 * (it names a directory, a device, a dangling link).
 */
public final class NoSuchEntryException extends SociException {
  private static final long serialVersionUID = 1L;

  /** The path asked for, as the caller gave it. */
  private final String path;

  /**
   * @param path the path asked for
   * @param message why it cannot be read
   */
  public NoSuchEntryException(String path, String message) {
    super(message);
    this.path = path;
  }

  /**
   * The path asked for.
   *
   * @return the path as the caller gave it, before links were followed
   */
  public String path() {
    return path;
  }
}
