package dev.soci.ztoc;

import java.util.ArrayList;
import java.util.List;

/**
 * One bound on the decompressed spans that several {@link LayerReader}s keep in memory together,
 * for instance the readers of all the layers of one image: give the same budget to each reader's
 * builder ({@link LayerReader.Builder#cacheBudget}) and the least recently used span of any of
 * them is dropped first once their total passes the bound. Without a shared budget each reader
 * has a bound of its own, so an image of many layers could hold many times the memory intended.
 *
 * <p>The readers sharing a budget also share one lock for loads and evictions (hits take no
 * lock), so that a load in one reader can evict a span of another. A reader gives its spans back
 * when it is closed. Thread-safe.
 */
public final class SpanCacheBudget {
  private final long maxBytes;
  /** The caches charged to this budget; guarded by this. */
  final List<SpanCache> members = new ArrayList<>();
  /** Bytes held by all members together; guarded by this. */
  long bytes;
  /**
   * Advanced (under the lock) by every load of any member, and read racily by hits: one clock
   * for every member, so that recency compares across readers.
   */
  int epoch;

  /**
   * A budget of {@code maxBytes} decompressed bytes. As with a reader's own bound, the span just
   * loaded is kept even when it alone exceeds it; 0 keeps only that span.
   *
   * @param maxBytes the bound on the decompressed bytes all sharing readers keep together
   * @throws IllegalArgumentException if {@code maxBytes} is negative
   */
  public SpanCacheBudget(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("negative cache size " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /**
   * The bound, in bytes.
   *
   * @return the bound given at construction
   */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Decompressed bytes the readers sharing this budget hold now (for tests and monitoring).
   *
   * @return the decompressed bytes the sharing readers hold together now
   */
  public synchronized long size() {
    return bytes;
  }
}
