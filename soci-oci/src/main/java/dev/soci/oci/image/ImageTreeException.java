package dev.soci.oci.image;

import dev.soci.oci.OciException;

/**
 * The layers cannot be merged into a tree: more entries than the bound, a name longer than a
 * path may be, a hard link to nothing, a time that cannot be read, a layer of a kind this
 * library cannot decompress. The message names the layer and the entry.
 */
public final class ImageTreeException extends OciException {
  private static final long serialVersionUID = 1L;

  ImageTreeException(String message) {
    super(message);
  }

  ImageTreeException(String message, Throwable cause) {
    super(message, cause);
  }
}
