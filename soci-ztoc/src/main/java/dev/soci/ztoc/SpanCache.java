package dev.soci.ztoc;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Decompressed spans of one layer, the least recently used evicted first once their total size
 * passes a bound. Concurrent requests for the same span share one load, so a span is never
 * fetched or decompressed twice while it is cached or being loaded.
 *
 * <p>A hit is lock-free and allocates nothing: spans are slots of an array indexed by span
 * number, and recency is an approximation kept without atomics. Every load advances an epoch;
 * a hit stamps its span with the current epoch, and writes the stamp only when it changes, so
 * threads reading the same cached span do not keep invalidating each other's cache line. The
 * span evicted is the one stamped longest ago; among spans used since the same load, any may go.
 * Loads and evictions (which cost a fetch and an inflation anyway) take the lock.
 *
 * <p>The bound, the epoch and the lock belong to a {@link SpanCacheBudget}, which several caches
 * (the readers of the layers of one image) may share: a load in one of them then evicts the
 * stalest span of any of them.
 */
final class SpanCache {
  /** Produces the decompressed bytes of a span. */
  @FunctionalInterface
  interface Loader {
    byte[] load(int span) throws IOException;
  }

  private final SpanCacheBudget budget;
  /** Resident spans by span number; null when not cached. Written only under the lock. */
  private final AtomicReferenceArray<byte[]> spans;
  /**
   * Budget epoch of each span's last use. Racy by design: a lost or stale stamp only makes
   * eviction slightly less exact, never wrong, since it decides what to drop, not what bytes to
   * return.
   */
  private final int[] used;
  /**
   * Spans being loaded now, so that concurrent requests wait for one load. Guarded by the
   * budget.
   */
  private final Map<Integer, CompletableFuture<byte[]>> loading = new HashMap<>();
  /** Total length of this cache's resident spans. Guarded by the budget. */
  private long bytes;
  /** Set by {@link #release}: nothing is kept any more. Guarded by the budget. */
  private boolean released;

  /** A cache with a bound of its own. */
  SpanCache(long maxBytes, int spanCount) {
    this(new SpanCacheBudget(maxBytes), spanCount);
  }

  /** A cache charged to {@code budget}, which other caches may share. */
  SpanCache(SpanCacheBudget budget, int spanCount) {
    this.budget = budget;
    this.spans = new AtomicReferenceArray<>(spanCount);
    this.used = new int[spanCount];
    synchronized (budget) {
      budget.members.add(this);
    }
  }

  byte[] get(int span, Loader loader) throws IOException {
    byte[] cached = spans.get(span);
    if (cached != null) {
      int e = budget.epoch;
      if (used[span] != e) {
        used[span] = e;
      }
      return cached;
    }
    return miss(span, loader);
  }

  /** Number of bytes held now (for tests and monitoring). */
  long size() {
    synchronized (budget) {
      return bytes;
    }
  }

  /**
   * Drops every span and leaves the budget (the reader is closed): the bytes are the other
   * members' again. Loads still running complete for their callers but are not kept.
   */
  void release() {
    synchronized (budget) {
      if (released) {
        return;
      }
      released = true;
      for (int s = 0; s < used.length; s++) {
        spans.set(s, null);
      }
      budget.bytes -= bytes;
      bytes = 0;
      budget.members.remove(this);
    }
  }

  boolean contains(int span) {
    return spans.get(span) != null;
  }

  private byte[] miss(int span, Loader loader) throws IOException {
    while (true) {
      CompletableFuture<byte[]> pending;
      boolean mine = false;
      synchronized (budget) {
        byte[] cached = spans.get(span); // loaded by another thread since the lock-free check
        if (cached != null) {
          used[span] = budget.epoch;
          return cached;
        }
        pending = loading.get(span);
        if (pending == null) {
          pending = new CompletableFuture<>();
          loading.put(span, pending);
          mine = true;
        }
      }
      if (mine) {
        return loadAndPublish(span, loader, pending);
      }
      try {
        return await(pending);
      } catch (LoaderInterrupted e) {
        // The shared load failed because the thread running it was interrupted: that thread's
        // reason, not this one's. Unless this thread is interrupted too, try again: the failed
        // load was withdrawn before it failed, so this starts a fresh load or joins a newer one.
        // (Only a real interrupt: a timeout, also an InterruptedIOException, is every waiter's
        // failure, and retrying it would make each waiter wait out a timeout of its own.)
        if (Thread.currentThread().isInterrupted()) {
          throw (IOException) e.getCause();
        }
      }
    }
  }

  private byte[] loadAndPublish(int span, Loader loader, CompletableFuture<byte[]> pending)
      throws IOException {
    byte[] data;
    try {
      data = loader.load(span);
    } catch (IOException | RuntimeException | Error e) {
      synchronized (budget) {
        loading.remove(span);
      }
      boolean interrupted = e instanceof InterruptedIOException && Thread.currentThread().isInterrupted();
      pending.completeExceptionally(interrupted ? new LoaderInterrupted((IOException) e) : e);
      throw e;
    }
    synchronized (budget) {
      loading.remove(span);
      if (!released) {
        spans.set(span, data);
        bytes += data.length;
        budget.bytes += data.length;
        used[span] = ++budget.epoch;
        evict(span);
      }
    }
    pending.complete(data);
    return data;
  }

  /**
   * Drops the stalest spans of the budget's caches, other than {@code keep} of this one, until
   * the budget's total is within its bound. A linear scan over every member's spans: it runs
   * once per load, which costs milliseconds, and an image has at most a few thousand spans per
   * layer. Called with the budget's lock held.
   */
  private void evict(int keep) {
    while (budget.bytes > budget.maxBytes()) {
      SpanCache victimCache = null;
      int victim = -1;
      int oldest = -1;
      for (SpanCache c : budget.members) {
        for (int s = 0; s < c.used.length; s++) {
          if ((c != this || s != keep) && c.spans.get(s) != null) {
            int age = budget.epoch - c.used[s]; // a difference, so that a wrapped epoch still orders
            if (age > oldest) {
              oldest = age;
              victim = s;
              victimCache = c;
            }
          }
        }
      }
      if (victimCache == null) {
        return; // only the span just loaded is left: it is kept even when over the bound
      }
      int length = victimCache.spans.get(victim).length;
      victimCache.bytes -= length;
      budget.bytes -= length;
      victimCache.spans.set(victim, null);
    }
  }

  /** What waiters see when the load they shared failed because its thread was interrupted. */
  private static final class LoaderInterrupted extends IOException {
    private static final long serialVersionUID = 1L;

    LoaderInterrupted(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private static byte[] await(CompletableFuture<byte[]> pending) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return pending.get();
        } catch (InterruptedException e) {
          interrupted = true; // finish waiting: the loading thread will complete the future
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          throw (Error) cause;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
