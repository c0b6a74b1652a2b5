package dev.soci.oci.registry;

import dev.soci.oci.OciException;

/** A string is not a valid image reference; the message quotes it and says what is wrong. */
public final class InvalidReferenceException extends OciException {
  private static final long serialVersionUID = 1L;

  private final String reference;

  /** @param reference the string given; @param problem what is wrong with it */
  public InvalidReferenceException(String reference, String problem) {
    super("invalid image reference \"" + reference + "\": " + problem);
    this.reference = reference;
  }

  /** The string that failed to parse. */
  public String reference() {
    return reference;
  }
}
