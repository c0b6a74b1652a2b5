package dev.soci.ztoc;

import dev.soci.core.SociException;

/**
 * Path resolution in a zTOC followed more than {@link ZtocView#MAX_LINK_HOPS} symbolic or hard
 * links: the zTOC holds a link cycle (or an absurdly long chain).
 */
public final class SymlinkLoopException extends SociException {
  private static final long serialVersionUID = 1L;

  /** @param path the path whose resolution did not terminate */
  public SymlinkLoopException(String path) {
    super("too many levels of links resolving \"" + path + "\"");
  }
}
