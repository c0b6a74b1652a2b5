package dev.soci.oci.registry;

import dev.soci.oci.OciException;

/** A string is not a valid image reference; the message quotes it and says what is wrong. */
public final class InvalidReferenceException extends OciException {
  private static final long serialVersionUID = 1L;

  /** The string that failed to parse, as given. */
  private final String reference;

  /**
   * A reference that does not parse.
   *
   * @param reference the string given
   * @param problem what is wrong with it, for the message
   */
  public InvalidReferenceException(String reference, String problem) {
    super("invalid image reference \"" + reference + "\": " + problem);
    this.reference = reference;
  }

  /**
   * The string that failed to parse.
   *
   * @return the string exactly as given
   */
  public String reference() {
    return reference;
  }
}
