package dev.soci.core;

/**
 * Indexing a layer would exceed one of the documented limits that bound what a layer can make the
 * indexer hold in memory: more spans (checkpoints) than allowed, a zTOC larger than allowed, more
 * TOC entries than allowed.
 *
 * <p>The limits are far above what a real layer needs, so hitting one normally means a hostile
 * or degenerate layer (a million empty deflate blocks, a gzip bomb of tar headers) or a span
 * size far too small for the layer. The message names the limit, its value and how to raise it;
 * {@link #limitName()} and {@link #limit()} give the same to programs.
 */
public final class IndexLimitException extends SociException {
  private static final long serialVersionUID = 1L;

  /** The limit's name as its option is called, e.g. {@code maxSpans}. */
  private final String limitName;
  /** The limit's value. */
  private final long limit;

  /**
   * @param limitName the limit's name as its option is called, e.g. {@code maxSpans}
   * @param limit the limit's value
   * @param message the whole message: what was exceeded, the value, and how to raise it
   */
  public IndexLimitException(String limitName, long limit, String message) {
    super(message);
    this.limitName = limitName;
    this.limit = limit;
  }

  /**
   * The name of the limit that was hit, as its option is called ({@code maxSpans}, ...).
   *
   * @return the name of the option that sets the limit that was exceeded
   */
  public String limitName() {
    return limitName;
  }

  /**
   * The value of the limit that was hit.
   *
   * @return the limit's value in force when indexing stopped
   */
  public long limit() {
    return limit;
  }
}
