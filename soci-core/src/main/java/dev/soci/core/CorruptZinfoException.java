package dev.soci.core;

/** A serialised zinfo (checkpoint) blob is malformed: wrong length, bad count or invalid checkpoint fields. */
public final class CorruptZinfoException extends SociException {
  private static final long serialVersionUID = 1L;

  /** @param message what is malformed in the zinfo blob */
  public CorruptZinfoException(String message) {
    super(message);
  }
}
