package dev.soci.ztoc;

import dev.soci.core.SociException;
import dev.soci.ztoc.internal.TarTocBuilder;

/**
 * A tar stream is malformed the way Go's {@code archive/tar} reader would reject it (bad
 * header checksum, unparsable numeric field, invalid PAX record, truncation), or it exceeds one
 * of the parser's safety limits (the tar parser reads special records of at most 1 MiB).
 */
public class TarFormatException extends SociException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong, including the stream offset when known */
  public TarFormatException(String message) {
    super(message);
  }
}
