package dev.soci.core;

/** A serialised zinfo (checkpoint) blob is malformed: wrong length, bad count or invalid checkpoint fields. */
public final class CorruptZinfoException extends SociException {
  private static final long serialVersionUID = 1L;

  public CorruptZinfoException(String message) {
    super(message);
  }
}
