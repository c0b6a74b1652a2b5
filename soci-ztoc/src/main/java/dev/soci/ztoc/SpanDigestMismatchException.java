package dev.soci.ztoc;

import dev.soci.core.SociException;

/**
 * The compressed bytes fetched for a span do not have the digest the zTOC records for it: the
 * layer is corrupt, or it is not the layer the zTOC was built from. Nothing of the span is
 * returned.
 */
public final class SpanDigestMismatchException extends SociException {
  private static final long serialVersionUID = 1L;

  /** The index of the span whose bytes failed verification. */
  private final int span;

  /**
   * @param span the span whose bytes failed verification
   * @param expected the digest the zTOC records
   * @param actual the digest of the bytes fetched
   */
  public SpanDigestMismatchException(int span, String expected, String actual) {
    super("span " + span + " of the layer has digest " + actual + " but the zTOC expects "
        + expected + ": the layer is corrupt or is not the one this zTOC was built from");
    this.span = span;
  }

  /**
   * The span whose bytes failed verification.
   *
   * @return the index in the zTOC of the span whose bytes failed verification
   */
  public int span() {
    return span;
  }
}
